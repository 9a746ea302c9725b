package dev.bulwark.leak;

/**
 * The samples of one signal (old gen after GC, metaspace, threads, ...) over a sliding window of time, and the
 * least-squares line through them: its slope, how well it fits (R²) and the growth it implies over the window. A
 * leak shows as a rising floor that a line fits well; a busy but healthy heap saws up and down and fits badly. Holds
 * at most {@code capacity} samples in a ring, so it never grows, whatever the sampling rate; one thread at a time.
 */
final class SignalWindow {

  /** Fewer points than this say nothing about a trend. */
  static final int MIN_SAMPLES = 3;

  private final long windowNanos;
  private final long[] times;
  private final double[] values;
  private int start;
  private int count;

  SignalWindow(long windowNanos, int capacity) {
    if (windowNanos <= 0 || capacity < MIN_SAMPLES) {
      throw new IllegalArgumentException("window " + windowNanos + " ns, capacity " + capacity + ": expected > 0 and >= "
          + MIN_SAMPLES);
    }
    this.windowNanos = windowNanos;
    this.times = new long[capacity];
    this.values = new double[capacity];
  }

  /** Adds a sample at {@code nanoTime} (monotonic, not decreasing) and drops those older than the window. */
  void add(long nanoTime, double value) {
    if (count == times.length) {
      start = (start + 1) % times.length; // full: the oldest goes, the window keeps its span as well as it can
      count--;
    }
    int at = (start + count) % times.length;
    times[at] = nanoTime;
    values[at] = value;
    count++;
    expire(nanoTime);
  }

  /** Drops the samples older than the window at {@code nanoTime}: a signal that stops reporting empties out. */
  void expire(long nanoTime) {
    while (count > 0 && nanoTime - times[start] > windowNanos) {
      start = (start + 1) % times.length;
      count--;
    }
  }

  /** When the newest sample was taken; Long.MIN_VALUE when the window is empty. */
  long lastTime() {
    return count == 0 ? Long.MIN_VALUE : times[(start + count - 1) % times.length];
  }

  int size() {
    return count;
  }

  /** Nanoseconds from the oldest sample in the window to the newest; 0 with fewer than two. */
  long span() {
    return count < 2 ? 0 : times[(start + count - 1) % times.length] - times[start];
  }

  /** The oldest value in the window; NaN when it is empty. */
  double first() {
    return count == 0 ? Double.NaN : values[start];
  }

  /** The least-squares fit of the samples in the window, or null with fewer than {@link #MIN_SAMPLES}. */
  Trend fit() {
    if (count < MIN_SAMPLES) {
      return null;
    }
    long t0 = times[start];
    double sumX = 0;
    double sumY = 0;
    for (int i = 0; i < count; i++) {
      int k = (start + i) % times.length;
      sumX += (times[k] - t0) / 1e9;
      sumY += values[k];
    }
    double meanX = sumX / count;
    double meanY = sumY / count;
    double sxx = 0;
    double sxy = 0;
    double syy = 0;
    for (int i = 0; i < count; i++) {
      int k = (start + i) % times.length;
      double dx = (times[k] - t0) / 1e9 - meanX;
      double dy = values[k] - meanY;
      sxx += dx * dx;
      sxy += dx * dy;
      syy += dy * dy;
    }
    if (sxx == 0) {
      return new Trend(0, 0, count, 0);
    }
    double slope = sxy / sxx;
    // A flat series (syy 0) is perfectly "fit" by a flat line; report 0, so a fit never claims a trend in nothing.
    double r2 = syy == 0 ? 0 : (sxy * sxy) / (sxx * syy);
    double span = (times[(start + count - 1) % times.length] - t0) / 1e9;
    return new Trend(slope, r2, count, slope * span);
  }

  /**
   * A line through a window of samples: {@code slopePerSecond} (units of the signal per second), {@code r2} in
   * [0, 1] (how much of the variation the line explains), the number of {@code samples}, and the {@code growth} the
   * line implies from the first sample to the last.
   */
  record Trend(double slopePerSecond, double r2, int samples, double growth) {

    /** Rising by at least {@code minSlope} per second, with a fit of at least {@code minR2}. */
    boolean rising(double minSlope, double minR2) {
      return slopePerSecond >= minSlope && r2 >= minR2;
    }
  }
}
