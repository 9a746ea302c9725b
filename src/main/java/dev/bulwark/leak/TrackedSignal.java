package dev.bulwark.leak;

import dev.bulwark.leak.SignalWindow.Trend;
import io.vertx.core.json.JsonObject;

/**
 * One signal's window and where it stands. {@code ok} until a window's line rises at least {@code minGrowth} per
 * window with a fit of at least {@code minR2} over at least half a window of samples: {@code suspected}. Still rising
 * a window later, on samples taken since, and grown by at least {@code minGrowth} since the window it was suspected in
 * began: {@code leaking}. Back to {@code ok} once the window has not risen for {@link #CLEAR_AFTER} evaluations in a
 * row (a step, such as a cache filling, leaves the window and the line flattens; a signal near its thresholds does not
 * flap, and each suspicion may cost a histogram). Samples older than the window expire even when no new one comes, so
 * a signal that stops reporting is judged on nothing, not on stale points. One thread at a time: the detector's.
 */
final class TrackedSignal {

  /** A signal's samples are bytes or a count of things (threads, handles). */
  enum Unit {
    BYTES, COUNT;

    String label() {
      return name().toLowerCase();
    }
  }

  /** Evaluations in a row without a rise that end a suspicion or a leak. */
  static final int CLEAR_AFTER = 3;

  /** What a call of {@link #evaluate} changed. */
  enum Change { NONE, SUSPECTED, LEAKING, CLEARED }

  private final String name;
  private final Unit unit;
  private final double minGrowth;
  private final double minR2;
  private final long windowNanos;
  private final SignalWindow window;
  private LeakState state = LeakState.OK;
  private long suspectedAt;
  private double base;
  private double last = Double.NaN;
  private int flat;
  private Trend trend;
  private String note;

  TrackedSignal(String name, Unit unit, double minGrowth, double minR2, long windowNanos, int capacity) {
    this.name = name;
    this.unit = unit;
    this.minGrowth = minGrowth;
    this.minR2 = minR2;
    this.windowNanos = windowNanos;
    this.window = new SignalWindow(windowNanos, capacity);
  }

  void add(long nanoTime, double value) {
    window.add(nanoTime, value);
    last = value;
  }

  /** A reading: into the window when {@code counted}, otherwise (warm-up) only shown. */
  void observe(long nanoTime, double value, boolean counted) {
    if (counted) {
      add(nanoTime, value);
    } else {
      last = value;
    }
  }

  /** Fits the window as it is at {@code now} and moves the state; says what changed. */
  Change evaluate(long now) {
    window.expire(now);
    trend = window.fit();
    boolean rising = rising();
    flat = rising ? 0 : flat + 1;
    if (state == LeakState.OK) {
      if (rising) {
        state = LeakState.SUSPECTED;
        suspectedAt = now;
        base = window.first();
        return Change.SUSPECTED;
      }
      return Change.NONE;
    }
    if (flat >= CLEAR_AFTER) {
      state = LeakState.OK;
      return Change.CLEARED;
    }
    if (state == LeakState.SUSPECTED && rising && now - suspectedAt >= windowNanos && window.lastTime() > suspectedAt
        && last - base >= minGrowth) {
      state = LeakState.LEAKING;
      return Change.LEAKING;
    }
    return Change.NONE;
  }

  private boolean rising() {
    if (trend == null || window.span() * 2 < windowNanos) {
      return false;
    }
    double perWindow = trend.slopePerSecond() * windowNanos / 1e9;
    return perWindow >= minGrowth && trend.r2() >= minR2;
  }

  String name() {
    return name;
  }

  Unit unit() {
    return unit;
  }

  /** Samples in the window. */
  int size() {
    return window.size();
  }

  LeakState state() {
    return state;
  }

  double last() {
    return last;
  }

  /** Growth since the start of the window the signal was suspected in; 0 while ok. */
  double growth() {
    return state == LeakState.OK ? 0 : last - base;
  }

  Trend trend() {
    return trend;
  }

  /** A word on why the signal says little (no collection seen yet, unavailable), or null. */
  void note(String why) {
    note = why;
  }

  /** {@code {"name","unit","state","value","slopePerMinute","slopeBytesPerMinute","r2","samples","windowMinutes","growth"}}. */
  JsonObject toJson() {
    double perMinute = trend == null ? 0 : trend.slopePerSecond() * 60;
    JsonObject json = new JsonObject().put("name", name).put("unit", unit.label()).put("state", state.label())
        .put("value", Double.isNaN(last) ? null : (long) last)
        .put("slopePerMinute", Math.round(perMinute * 100) / 100.0)
        .put("r2", trend == null ? 0 : Math.round(trend.r2() * 1000) / 1000.0)
        .put("samples", window.size())
        .put("windowMinutes", windowNanos / 60e9)
        .put("growth", (long) growth());
    if (unit == Unit.BYTES) {
      json.put("slopeBytesPerMinute", Math.round(perMinute));
    }
    if (note != null) {
      json.put("note", note);
    }
    return json;
  }
}
