package dev.bulwark.memory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The one tree of memory budgets, after Elasticsearch's hierarchy of circuit breakers: a parent limit
 * ({@code memory.budget}) and a named child for each holder of bytes (request bodies in flight, each cache, the
 * sessions). A reservation must fit its child and the parent; a refusal is one 503 carrying the budget's name, the
 * bytes wanted and the limit. At start the children's limits are checked to fit the parent ({@link #check}).
 */
public final class MemoryBudget {

  static final String KEY = "memory.budget";

  private final long limit;
  private final List<Budget> children = new CopyOnWriteArrayList<>();
  private final LongAdder trips = new LongAdder();

  public MemoryBudget(long limit) {
    this.limit = limit;
  }

  /** A child that reserves bytes as they are taken and released (request bodies in flight). */
  public Budget reserving(String name, String key, long limit, Runnable onTrip) {
    return add(new Budget(this, name, key, limit, null, onTrip));
  }

  /** A child that bounds itself by eviction (a cache, the sessions) and reports what it holds. */
  public Budget tracked(String name, String key, long limit, LongSupplier used) {
    return add(new Budget(this, name, key, limit, used, () -> { }));
  }

  private Budget add(Budget child) {
    for (Budget b : children) {
      if (b.name().equals(child.name())) {
        throw new IllegalArgumentException("a budget named " + child.name() + " exists already");
      }
    }
    children.add(child);
    return child;
  }

  boolean fits(long more) {
    return used() + more <= limit;
  }

  void tripped() {
    trips.increment();
  }

  public long limit() {
    return limit;
  }

  public long used() {
    long used = 0;
    for (Budget b : children) {
      used += b.used();
    }
    return used;
  }

  public List<Budget> children() {
    return List.copyOf(children);
  }

  /**
   * The message for a configuration whose children cannot fit the parent, or null when they fit: it names every
   * child's key and limit, the total, and the heap it would need. {@code limits} maps config keys to byte limits.
   */
  public static String check(long parentLimit, double heapShare, java.util.Map<String, Long> limits) {
    long total = limits.values().stream().mapToLong(Long::longValue).sum();
    if (total <= parentLimit) {
      return null;
    }
    StringBuilder parts = new StringBuilder();
    limits.forEach((key, limit) -> parts.append(parts.length() == 0 ? "" : " + ").append(key).append(" (")
        .append(mib(limit)).append(')'));
    long heapNeeded = (long) Math.ceil(total / heapShare);
    return "memory budgets do not fit: " + parts + " = " + mib(total) + " exceeds " + KEY + " ("
        + mib(parentLimit) + "); lower them, give the JVM at least -Xmx" + ((heapNeeded >> 20) + 1)
        + "m, or set memory.overcommit: true";
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
  }

  /** The {@code budgets} section of {@code /admin/status}. */
  public JsonObject toJson() {
    JsonObject out = new JsonObject().put("used", used()).put("limit", limit).put("trips", trips.sum());
    JsonObject byName = new JsonObject();
    for (Budget b : children) {
      byName.put(b.name(), b.toJson());
    }
    return out.put("children", byName);
  }

  public void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.budget.limit", this, MemoryBudget::limit).tag("budget", "total")
        .description("Byte limit of each memory budget").baseUnit("bytes").register(registry);
    Gauge.builder("bulwark.budget.used", this, MemoryBudget::used).tag("budget", "total")
        .description("Bytes held under each memory budget").baseUnit("bytes").register(registry);
    FunctionCounter.builder("bulwark.budget.trips", trips, LongAdder::sum).tag("budget", "total")
        .description("Reservations refused by each memory budget").register(registry);
    for (Budget b : children) {
      Gauge.builder("bulwark.budget.limit", b, Budget::limit).tag("budget", b.name())
          .description("Byte limit of each memory budget").baseUnit("bytes").register(registry);
      Gauge.builder("bulwark.budget.used", b, Budget::used).tag("budget", b.name())
          .description("Bytes held under each memory budget").baseUnit("bytes").register(registry);
      FunctionCounter.builder("bulwark.budget.trips", b, Budget::trips).tag("budget", b.name())
          .description("Reservations refused by each memory budget").register(registry);
    }
  }
}
