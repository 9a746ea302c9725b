package dev.bulwark.memory;

import dev.bulwark.spi.PathPrefixes;
import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Options of the memory guard: pressure signals, their thresholds, the actions taken and the memory budgets. A new
 * object holds the defaults; every setter rejects a value outside its range with an {@link IllegalArgumentException}
 * naming the field, and {@link Thresholds} cannot be built with critical below elevated.
 */
public final class MemoryOptions {

  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(250);
  public static final Duration MIN_SAMPLE_INTERVAL = Duration.ofMillis(10);
  public static final Duration MAX_SAMPLE_INTERVAL = Duration.ofMinutes(1);
  public static final double DEFAULT_HYSTERESIS = 0.05;
  public static final double MIN_HYSTERESIS = 0;
  public static final double MAX_HYSTERESIS = 0.5;
  public static final Duration DEFAULT_MIN_DWELL = Duration.ofSeconds(2);
  public static final Duration MIN_MIN_DWELL = Duration.ZERO;
  public static final Duration MAX_MIN_DWELL = Duration.ofMinutes(10);
  /** 0s: never ask for a GC. */
  public static final Duration DEFAULT_GC_PROBE_INTERVAL = Duration.ofSeconds(5);
  public static final Duration MIN_GC_PROBE_INTERVAL = Duration.ZERO;
  public static final Duration MAX_GC_PROBE_INTERVAL = Duration.ofHours(1);
  public static final long DEFAULT_INFLIGHT_BODY_BYTES = 64L << 20;
  public static final long MIN_INFLIGHT_BODY_BYTES = 1L << 10;
  public static final long MAX_INFLIGHT_BODY_BYTES = 1L << 40;
  /** Request bodies in flight may take at most 1/4 of the max heap, whatever is configured. */
  public static final int HEAP_SHARE_FOR_BODIES = 4;
  /** 0: the parent budget is {@link #DEFAULT_BUDGET_HEAP_SHARE} (or as set) of the max heap. */
  public static final long DEFAULT_BUDGET = 0;
  public static final long MIN_BUDGET = 0;
  public static final long MAX_BUDGET = 1L << 50;
  /** With a budget of 0, the parent budget is this share of the max heap. */
  public static final double DEFAULT_BUDGET_HEAP_SHARE = 0.8;
  public static final double MIN_BUDGET_HEAP_SHARE = 0.05;
  public static final double MAX_BUDGET_HEAP_SHARE = 0.95;
  public static final boolean DEFAULT_OVERCOMMIT = false;
  public static final int MAX_CRITICAL_ROUTES = 64;
  public static final String CRITICAL_ROUTES_ALLOWED = "path prefixes such as /orders; \"\" or \"/\" would cover "
      + "every path (to never shed, set memory.shedWhenCritical to false)";
  public static final boolean DEFAULT_CLOSE_WHEN_ELEVATED = true;
  public static final boolean DEFAULT_SHED_WHEN_CRITICAL = true;
  /** Off by default: refusing connections also cuts the way to critical routes for clients without one open. */
  public static final boolean DEFAULT_REFUSE_CONNECTIONS_WHEN_CRITICAL = false;
  /** Empty: no drill file. */
  public static final String DEFAULT_INJECT_FILE = "";
  /**
   * Netty 4.2's own default is 1024 recycled buffer wrappers per allocator magazine, allocated full at start: ~12 KiB
   * a magazine, some 430 KiB of an idle heap of ~6 MiB. A magazine rarely holds more than a few freed wrappers at once.
   */
  public static final int DEFAULT_NETTY_BUFFER_QUEUE = 128;
  public static final int MIN_NETTY_BUFFER_QUEUE = 16;
  public static final int MAX_NETTY_BUFFER_QUEUE = 4096;
  public static final Thresholds DEFAULT_HEAP = new Thresholds(0.70, 0.85);
  public static final Thresholds DEFAULT_DIRECT = new Thresholds(0.75, 0.90);
  public static final Thresholds DEFAULT_RSS = new Thresholds(0.80, 0.92);

  /** Two thresholds on one signal, as fractions of its limit: each from 0.05 to 1, critical never below elevated. */
  public record Thresholds(double elevated, double critical) {

    public static final double MIN = 0.05;
    public static final double MAX = 1;

    public Thresholds {
      Ranges.of("elevated", elevated, MIN, MAX);
      Ranges.of("critical", critical, MIN, MAX);
      if (critical < elevated) {
        throw new IllegalArgumentException("critical (" + critical + ") is below elevated (" + elevated + ")");
      }
    }

    JsonObject toJson() {
      return new JsonObject().put("elevated", elevated).put("critical", critical);
    }
  }

  private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
  private double hysteresis = DEFAULT_HYSTERESIS;
  private Duration minDwell = DEFAULT_MIN_DWELL;
  private Duration gcProbeInterval = DEFAULT_GC_PROBE_INTERVAL;
  private long inflightBodyBytes = DEFAULT_INFLIGHT_BODY_BYTES;
  private long budget = DEFAULT_BUDGET;
  private double budgetHeapShare = DEFAULT_BUDGET_HEAP_SHARE;
  private boolean overcommit = DEFAULT_OVERCOMMIT;
  private List<String> criticalRoutes = List.of();
  private boolean closeConnectionsWhenElevated = DEFAULT_CLOSE_WHEN_ELEVATED;
  private boolean shedWhenCritical = DEFAULT_SHED_WHEN_CRITICAL;
  private boolean refuseConnectionsWhenCritical = DEFAULT_REFUSE_CONNECTIONS_WHEN_CRITICAL;
  private String injectFile = DEFAULT_INJECT_FILE;
  private int nettyBufferQueue = DEFAULT_NETTY_BUFFER_QUEUE;
  private Thresholds heap = DEFAULT_HEAP;
  private Thresholds direct = DEFAULT_DIRECT;
  private Thresholds rss = DEFAULT_RSS;

  /** The defaults. */
  public MemoryOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public MemoryOptions(MemoryOptions other) {
    sampleInterval = other.sampleInterval;
    hysteresis = other.hysteresis;
    minDwell = other.minDwell;
    gcProbeInterval = other.gcProbeInterval;
    inflightBodyBytes = other.inflightBodyBytes;
    budget = other.budget;
    budgetHeapShare = other.budgetHeapShare;
    overcommit = other.overcommit;
    criticalRoutes = other.criticalRoutes;
    closeConnectionsWhenElevated = other.closeConnectionsWhenElevated;
    shedWhenCritical = other.shedWhenCritical;
    refuseConnectionsWhenCritical = other.refuseConnectionsWhenCritical;
    injectFile = other.injectFile;
    heap = other.heap;
    direct = other.direct;
    rss = other.rss;
  }

  public Duration sampleInterval() {
    return sampleInterval;
  }

  public MemoryOptions setSampleInterval(Duration sampleInterval) {
    this.sampleInterval = Ranges.of("sampleInterval", sampleInterval, MIN_SAMPLE_INTERVAL, MAX_SAMPLE_INTERVAL);
    return this;
  }

  public double hysteresis() {
    return hysteresis;
  }

  public MemoryOptions setHysteresis(double hysteresis) {
    this.hysteresis = Ranges.of("hysteresis", hysteresis, MIN_HYSTERESIS, MAX_HYSTERESIS);
    return this;
  }

  public Duration minDwell() {
    return minDwell;
  }

  public MemoryOptions setMinDwell(Duration minDwell) {
    this.minDwell = Ranges.of("minDwell", minDwell, MIN_MIN_DWELL, MAX_MIN_DWELL);
    return this;
  }

  public Duration gcProbeInterval() {
    return gcProbeInterval;
  }

  public MemoryOptions setGcProbeInterval(Duration gcProbeInterval) {
    this.gcProbeInterval = Ranges.of("gcProbeInterval", gcProbeInterval, MIN_GC_PROBE_INTERVAL, MAX_GC_PROBE_INTERVAL);
    return this;
  }

  /** Freed buffer wrappers each of Netty's allocator magazines keeps for reuse; past it they are left to the GC. */
  public int nettyBufferQueue() {
    return nettyBufferQueue;
  }

  public MemoryOptions setNettyBufferQueue(int nettyBufferQueue) {
    this.nettyBufferQueue = Ranges.of("nettyBufferQueue", nettyBufferQueue, MIN_NETTY_BUFFER_QUEUE,
        MAX_NETTY_BUFFER_QUEUE);
    return this;
  }

  /** The configured budget; see {@link #effectiveInflightBodyBytes()} for the one in force. */
  public long inflightBodyBytes() {
    return inflightBodyBytes;
  }

  public MemoryOptions setInflightBodyBytes(long inflightBodyBytes) {
    this.inflightBodyBytes = Ranges.of("inflightBodyBytes", inflightBodyBytes, MIN_INFLIGHT_BODY_BYTES,
        MAX_INFLIGHT_BODY_BYTES);
    return this;
  }

  /** The budget in force: as configured, but never more than a quarter of the max heap. */
  public long effectiveInflightBodyBytes() {
    return Math.min(inflightBodyBytes, Runtime.getRuntime().maxMemory() / HEAP_SHARE_FOR_BODIES);
  }

  /** The parent budget as set: 0 means a share of the max heap; see {@link #effectiveBudget()}. */
  public long budget() {
    return budget;
  }

  public MemoryOptions setBudget(long budget) {
    this.budget = Ranges.of("budget", budget, MIN_BUDGET, MAX_BUDGET);
    return this;
  }

  /** The parent budget in force: as configured, or the heap share when 0. */
  public long effectiveBudget() {
    return budget > 0 ? budget : (long) (Runtime.getRuntime().maxMemory() * budgetHeapShare);
  }

  /** The share of the max heap the parent budget takes: as set, or what a budget set in bytes comes to. */
  public double budgetHeapShare() {
    return budget > 0 ? (double) budget / Runtime.getRuntime().maxMemory() : budgetHeapShare;
  }

  /** Used only while the budget is 0. */
  public MemoryOptions setBudgetHeapShare(double budgetHeapShare) {
    this.budgetHeapShare = Ranges.of("budgetHeapShare", budgetHeapShare, MIN_BUDGET_HEAP_SHARE, MAX_BUDGET_HEAP_SHARE);
    return this;
  }

  public boolean overcommit() {
    return overcommit;
  }

  public MemoryOptions setOvercommit(boolean overcommit) {
    this.overcommit = overcommit;
    return this;
  }

  public List<String> criticalRoutes() {
    return criticalRoutes;
  }

  /** Path prefixes never shed, at most {@link #MAX_CRITICAL_ROUTES}, each narrower than {@code /}. */
  public MemoryOptions setCriticalRoutes(List<String> criticalRoutes) {
    Ranges.of("criticalRoutes.size", criticalRoutes == null ? -1 : criticalRoutes.size(), 0, MAX_CRITICAL_ROUTES);
    Ranges.check(criticalRoutes.stream().allMatch(PathPrefixes::narrowerThanRoot), "criticalRoutes", criticalRoutes,
        CRITICAL_ROUTES_ALLOWED);
    this.criticalRoutes = List.copyOf(criticalRoutes);
    return this;
  }

  public boolean closeConnectionsWhenElevated() {
    return closeConnectionsWhenElevated;
  }

  public MemoryOptions setCloseConnectionsWhenElevated(boolean closeConnectionsWhenElevated) {
    this.closeConnectionsWhenElevated = closeConnectionsWhenElevated;
    return this;
  }

  public boolean refuseConnectionsWhenCritical() {
    return refuseConnectionsWhenCritical;
  }

  public MemoryOptions setRefuseConnectionsWhenCritical(boolean refuseConnectionsWhenCritical) {
    this.refuseConnectionsWhenCritical = refuseConnectionsWhenCritical;
    return this;
  }

  public boolean shedWhenCritical() {
    return shedWhenCritical;
  }

  public MemoryOptions setShedWhenCritical(boolean shedWhenCritical) {
    this.shedWhenCritical = shedWhenCritical;
    return this;
  }

  /** The drill file, or an empty string when off. */
  public String injectFile() {
    return injectFile;
  }

  public MemoryOptions setInjectFile(String injectFile) {
    this.injectFile = present("injectFile", injectFile);
    return this;
  }

  public Thresholds heap() {
    return heap;
  }

  public MemoryOptions setHeap(Thresholds heap) {
    this.heap = present("heap", heap);
    return this;
  }

  public Thresholds direct() {
    return direct;
  }

  public MemoryOptions setDirect(Thresholds direct) {
    this.direct = present("direct", direct);
    return this;
  }

  public Thresholds rss() {
    return rss;
  }

  public MemoryOptions setRss(Thresholds rss) {
    this.rss = present("rss", rss);
    return this;
  }

  /** These options under the keys of the {@code memory} config section, in forms the config accepts. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("sampleInterval", sampleInterval.toMillis() + "ms")
        .put("hysteresis", hysteresis)
        .put("minDwell", minDwell.toMillis() + "ms")
        .put("gcProbeInterval", gcProbeInterval.toMillis() + "ms")
        .put("inflightBodyBytes", inflightBodyBytes)
        .put("budget", budget)
        .put("budgetHeapShare", budgetHeapShare)
        .put("overcommit", overcommit)
        .put("criticalRoutes", new JsonArray(criticalRoutes))
        .put("closeConnectionsWhenElevated", closeConnectionsWhenElevated)
        .put("shedWhenCritical", shedWhenCritical)
        .put("refuseConnectionsWhenCritical", refuseConnectionsWhenCritical)
        .put("injectFile", injectFile)
        .put("heap", heap.toJson())
        .put("direct", direct.toJson())
        .put("rss", rss.toJson());
  }




  private static <T> T present(String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(field + " = null: expected a value");
    }
    return value;
  }
}
