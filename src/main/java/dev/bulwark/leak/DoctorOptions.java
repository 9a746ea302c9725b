package dev.bulwark.leak;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of the doctor ({@code doctor}): how often each event loop's delay probe runs, the window the doctor judges
 * and the thresholds of its checks. A new object holds the defaults; every setter rejects a value outside its range
 * with an {@link IllegalArgumentException} naming the field. The window should hold from {@link #MIN_PROBES_PER_WINDOW}
 * to {@link #MAX_PROBES_PER_WINDOW} probes: the config reader refuses others, {@link #probesPerWindow()} holds to them.
 */
public final class DoctorOptions {

  public static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofMillis(100);
  public static final Duration MIN_PROBE_INTERVAL = Duration.ofMillis(10);
  public static final Duration MAX_PROBE_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
  public static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  public static final Duration MAX_WINDOW = Duration.ofHours(1);
  /** Fewer probes make a p99 that is just the maximum. */
  public static final int MIN_PROBES_PER_WINDOW = 10;
  /** Each loop keeps one {@code long} per probe of the window: at most 80 KB. */
  public static final int MAX_PROBES_PER_WINDOW = 10_000;
  public static final Duration DEFAULT_WARN_LOOP_DELAY = Duration.ofMillis(50);
  public static final Duration DEFAULT_CRITICAL_LOOP_DELAY = Duration.ofMillis(500);
  public static final Duration MIN_LOOP_DELAY = Duration.ofMillis(1);
  public static final Duration MAX_LOOP_DELAY = Duration.ofMinutes(1);
  public static final double DEFAULT_WARN_GC_SHARE = 0.05;
  public static final double DEFAULT_CRITICAL_GC_SHARE = 0.2;

  private Duration probeInterval = DEFAULT_PROBE_INTERVAL;
  private Duration window = DEFAULT_WINDOW;
  private Duration warnLoopDelay = DEFAULT_WARN_LOOP_DELAY;
  private Duration criticalLoopDelay = DEFAULT_CRITICAL_LOOP_DELAY;
  private double warnGcShare = DEFAULT_WARN_GC_SHARE;
  private double criticalGcShare = DEFAULT_CRITICAL_GC_SHARE;

  /** The defaults. */
  public DoctorOptions() {
  }

  public Duration probeInterval() {
    return probeInterval;
  }

  public DoctorOptions setProbeInterval(Duration probeInterval) {
    this.probeInterval = Ranges.of("probeInterval", probeInterval, MIN_PROBE_INTERVAL, MAX_PROBE_INTERVAL);
    return this;
  }

  public Duration window() {
    return window;
  }

  public DoctorOptions setWindow(Duration window) {
    this.window = Ranges.of("window", window, MIN_WINDOW, MAX_WINDOW);
    return this;
  }

  public Duration warnLoopDelay() {
    return warnLoopDelay;
  }

  public DoctorOptions setWarnLoopDelay(Duration warnLoopDelay) {
    this.warnLoopDelay = Ranges.of("warnLoopDelay", warnLoopDelay, MIN_LOOP_DELAY, MAX_LOOP_DELAY);
    return this;
  }

  public Duration criticalLoopDelay() {
    return criticalLoopDelay;
  }

  public DoctorOptions setCriticalLoopDelay(Duration criticalLoopDelay) {
    this.criticalLoopDelay = Ranges.of("criticalLoopDelay", criticalLoopDelay, MIN_LOOP_DELAY, MAX_LOOP_DELAY);
    return this;
  }

  public double warnGcShare() {
    return warnGcShare;
  }

  public DoctorOptions setWarnGcShare(double warnGcShare) {
    this.warnGcShare = Ranges.of("warnGcShare", warnGcShare, 0.0, 1.0);
    return this;
  }

  public double criticalGcShare() {
    return criticalGcShare;
  }

  public DoctorOptions setCriticalGcShare(double criticalGcShare) {
    this.criticalGcShare = Ranges.of("criticalGcShare", criticalGcShare, 0.0, 1.0);
    return this;
  }

  /**
   * How many probes of each loop the window holds: the sample its p99 and maximum are taken over. Held to
   * {@link #MIN_PROBES_PER_WINDOW} to {@link #MAX_PROBES_PER_WINDOW} (the config refuses a window outside them).
   */
  public int probesPerWindow() {
    long probes = window.toNanos() / probeInterval.toNanos();
    return (int) Math.max(MIN_PROBES_PER_WINDOW, Math.min(MAX_PROBES_PER_WINDOW, probes));
  }

  /** These options under the keys of the {@code doctor} config section. */
  public JsonObject toJson() {
    return new JsonObject().put("probeInterval", probeInterval.toMillis() + "ms")
        .put("window", window.toMillis() + "ms").put("warnLoopDelay", warnLoopDelay.toMillis() + "ms")
        .put("criticalLoopDelay", criticalLoopDelay.toMillis() + "ms").put("warnGcShare", warnGcShare)
        .put("criticalGcShare", criticalGcShare);
  }
}
