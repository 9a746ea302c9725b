package dev.bulwark.leak;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The share of time spent in garbage collection over the doctor's window: readings of the collectors' total
 * collection time ({@link GarbageCollectorMXBean#getCollectionTime()}, summed) are stored {@link #SLOTS} times a window
 * by a worker, and a question compares a fresh reading with the oldest one stored, so the span is one window (or the
 * time since start, when younger). Readings go through injected clocks, so tests give their own.
 */
final class GcShare {

  /** Readings per window. */
  static final int SLOTS = 10;

  /** GC time over a span: {@code share} is {@code gcMillis} over the span's length. */
  record Share(double share, long gcMillis, long spanNanos) {
  }

  private final LongSupplier nanoClock;
  private final LongSupplier gcMillis;
  /** Readings in a ring, {@code SLOTS + 1} of them so the oldest is a whole window back. */
  private final long[] at = new long[SLOTS + 1];
  private final long[] millis = new long[SLOTS + 1];
  private int next;
  private int held;

  /** Starts with a first reading. */
  GcShare(LongSupplier nanoClock, LongSupplier gcMillis) {
    this.nanoClock = nanoClock;
    this.gcMillis = gcMillis;
    sample();
  }

  /** The collectors' total collection time so far, in milliseconds (collectors that cannot tell left out). */
  static LongSupplier collectors() {
    List<GarbageCollectorMXBean> beans = ManagementFactory.getGarbageCollectorMXBeans();
    return () -> {
      long total = 0;
      for (GarbageCollectorMXBean bean : beans) {
        total += Math.max(0, bean.getCollectionTime());
      }
      return total;
    };
  }

  /** Stores a reading; the oldest goes once {@code SLOTS + 1} are held. */
  synchronized void sample() {
    at[next] = nanoClock.getAsLong();
    millis[next] = gcMillis.getAsLong();
    next = (next + 1) % at.length;
    held = Math.min(held + 1, at.length);
  }

  /** GC time from the oldest stored reading to now. */
  synchronized Share share() {
    int oldest = held < at.length ? 0 : next;
    long span = nanoClock.getAsLong() - at[oldest];
    long gc = Math.max(0, gcMillis.getAsLong() - millis[oldest]);
    double share = span <= 0 ? 0 : Math.min(1.0, gc * 1_000_000.0 / span);
    return new Share(share, gc, span);
  }
}
