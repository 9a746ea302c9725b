package dev.bulwark.memory;

import dev.bulwark.spi.ApiError;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * One child of the {@link MemoryBudget}: a named holder of bytes with a limit. A reserving child (request bodies in
 * flight) admits bytes only if they fit both its own limit and the parent's; a tracked child (a cache, the sessions)
 * bounds itself by eviction and reports what it holds. Every refusal is counted as a trip.
 */
public final class Budget {

  private final MemoryBudget parent;
  private final String name;
  private final String key;
  private final long limit;
  private final LongSupplier tracked;
  private final Runnable onTrip;
  private final AtomicLong reserved = new AtomicLong();
  private final LongAdder trips = new LongAdder();

  Budget(MemoryBudget parent, String name, String key, long limit, LongSupplier tracked, Runnable onTrip) {
    this.parent = parent;
    this.name = name;
    this.key = key;
    this.limit = limit;
    this.tracked = tracked;
    this.onTrip = onTrip;
  }

  /**
   * Reserves {@code bytes} if they fit this budget and the parent; otherwise reserves nothing, counts a trip and
   * returns the error to answer with.
   */
  public ApiError tryReserve(long bytes) {
    long current;
    do {
      current = reserved.get();
      if (bytes > limit - current) {
        return trip(bytes, limit, key);
      }
    } while (!reserved.compareAndSet(current, current + bytes));
    if (!parent.fits(0)) {
      reserved.addAndGet(-bytes);
      parent.tripped();
      return trip(bytes, parent.limit(), MemoryBudget.KEY);
    }
    return null;
  }

  public void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  private ApiError trip(long wanted, long bytesLimit, String limitKey) {
    trips.increment();
    onTrip.run();
    return new ApiError(503, "overloaded", "The memory budget " + name + " is full (" + limitKey
        + "); retry later.", new JsonObject().put("budget", name).put("bytesWanted", wanted)
        .put("bytesLimit", bytesLimit).put("bytesInUse", used()));
  }

  public String name() {
    return name;
  }

  /** The config key that sets the limit. */
  public String key() {
    return key;
  }

  public long limit() {
    return limit;
  }

  public long used() {
    return tracked == null ? reserved.get() : tracked.getAsLong();
  }

  public long trips() {
    return trips.sum();
  }

  JsonObject toJson() {
    return new JsonObject().put("used", used()).put("limit", limit).put("trips", trips());
  }
}
