package dev.bulwark.memory;

import dev.bulwark.memory.MemoryOptions.Thresholds;

/**
 * Turns signal readings into a level: the highest level any signal reaches, with hysteresis (a level is left only
 * once its signal is {@code memory.hysteresis} below the threshold) and a minimum dwell (a lower level is taken only
 * after holding for {@code memory.minDwell}; rises are immediate). Pure logic with an injected clock: not thread-safe,
 * used by one thread.
 */
final class PressureEvaluator {

  private final MemoryOptions options;
  private final long minDwellNanos;
  private PressureLevel level = PressureLevel.NORMAL;
  private PressureLevel pending;
  private long pendingSince;

  PressureEvaluator(MemoryOptions options) {
    this.options = options;
    this.minDwellNanos = options.minDwell().toNanos();
  }

  PressureLevel level() {
    return level;
  }

  /** The level after this reading at {@code nowNanos}. */
  PressureLevel evaluate(MemorySignals s, long nowNanos) {
    PressureLevel target = max(max(levelFor(s.heapFraction(), options.heap()),
        levelFor(s.directFraction(), options.direct())), levelFor(s.rssFraction(), options.rss()));
    if (target.compareTo(level) > 0) {
      level = target;
      pending = null;
    } else if (target.compareTo(level) < 0) {
      if (pending != target) {
        pending = target;
        pendingSince = nowNanos;
      }
      if (nowNanos - pendingSince >= minDwellNanos) {
        level = target;
        pending = null;
      }
    } else {
      pending = null;
    }
    return level;
  }

  private PressureLevel levelFor(double fraction, Thresholds t) {
    double h = options.hysteresis();
    if (fraction >= t.critical() || (level == PressureLevel.CRITICAL && fraction >= t.critical() - h)) {
      return PressureLevel.CRITICAL;
    }
    if (fraction >= t.elevated() || (level != PressureLevel.NORMAL && fraction >= t.elevated() - h)) {
      return PressureLevel.ELEVATED;
    }
    return PressureLevel.NORMAL;
  }

  private static PressureLevel max(PressureLevel a, PressureLevel b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
