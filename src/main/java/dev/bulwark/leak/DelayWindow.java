package dev.bulwark.leak;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The most recent lateness figures of one event loop, in nanoseconds: a fixed ring written by that loop alone (two
 * release stores per probe, nothing allocated, no lock) and read from any thread, which copies the ring and sorts the
 * copy. A reader racing the writer may see a slot's figure from one lap earlier; it never sees a torn one.
 */
final class DelayWindow {

  /** What a window holds: how many probes, their p99 (nearest rank) and maximum lateness. */
  record Summary(int probes, long p99Nanos, long maxNanos) {

    static final Summary EMPTY = new Summary(0, 0, 0);
  }

  private final AtomicLongArray lateness;
  /** Probes recorded since the start; its owner loop is the only writer. */
  private final AtomicLong recorded = new AtomicLong();

  DelayWindow(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity = " + capacity + ": expected at least 1");
    }
    this.lateness = new AtomicLongArray(capacity);
  }

  /** Records one probe's lateness; called by the owner loop only. */
  void record(long lateNanos) {
    long n = recorded.getPlain();
    lateness.setRelease((int) (n % lateness.length()), Math.max(0, lateNanos));
    recorded.setRelease(n + 1);
  }

  /** The p99 and maximum over the probes the window holds (the last {@code capacity} ones). */
  Summary summary() {
    long n = recorded.getAcquire();
    int held = (int) Math.min(n, lateness.length());
    if (held == 0) {
      return Summary.EMPTY;
    }
    long[] sorted = new long[held];
    for (int i = 0; i < held; i++) {
      sorted[i] = lateness.getAcquire(i);
    }
    Arrays.sort(sorted);
    return new Summary(held, sorted[rank(0.99, held)], sorted[held - 1]);
  }

  /** The index of the nearest-rank {@code q} quantile of {@code n} sorted figures. */
  static int rank(double q, int n) {
    return Math.max(0, (int) Math.ceil(q * n) - 1);
  }
}
