package dev.bulwark.leak;

/**
 * Turns old-gen usage read after each collection into the points that track live data: the troughs. With G1 the
 * old gen after a young collection also holds garbage promoted since the last mixed collection, so those readings
 * climb and fall whatever the live set does (measured: 15 → 230 MiB, then 81 after a mixed collection); the low
 * points after a fall are what rises when something leaks. One thread at a time.
 */
final class GcTroughs {

  private double last = Double.NaN;
  private long lastNanos;
  private boolean falling;
  private long troughNanos;

  /**
   * The reading at {@code nanoTime}; returns the trough it reveals (the lowest point of a fall that has just ended),
   * or NaN when it reveals none. The trough is dated when it was read, not when it was revealed.
   */
  double accept(long nanoTime, double usedAfterGc) {
    double trough = Double.NaN;
    if (!Double.isNaN(last)) {
      if (usedAfterGc < last) {
        falling = true;
      } else if (falling) {
        trough = last;
        troughNanos = lastNanos;
        falling = false;
      }
    }
    last = usedAfterGc;
    lastNanos = nanoTime;
    return trough;
  }

  /** Starts again from a reading already used as a point (after a full collection), so it is not a trough too. */
  void reset(long nanoTime, double usedAfterGc) {
    last = usedAfterGc;
    lastNanos = nanoTime;
    falling = false;
  }

  /** When the trough last returned by {@link #accept} was read. */
  long troughNanos() {
    return troughNanos;
  }
}
