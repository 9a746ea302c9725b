package dev.bulwark.leak;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Options of the leak detector ({@code leaks}): how often it samples, the window its trends are fitted over, what
 * growth makes a leak, what it does when it finds one, Netty's buffer leak level and the allocation sampler. A new
 * object holds the defaults; every setter rejects a value outside its range with an {@link IllegalArgumentException}
 * naming the field.
 */
public final class LeakOptions {

  public static final boolean DEFAULT_ENABLED = true;
  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofSeconds(10);
  public static final Duration MIN_SAMPLE_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_SAMPLE_INTERVAL = Duration.ofMinutes(10);
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  public static final Duration MIN_WINDOW = Duration.ofSeconds(1);
  public static final Duration MAX_WINDOW = Duration.ofDays(1);
  /** A window must hold at least this many samples to fit a trend worth the name. */
  public static final int MIN_SAMPLES_PER_WINDOW = 5;
  public static final Duration DEFAULT_WARMUP = Duration.ofMinutes(2);
  public static final Duration MAX_DURATION = Duration.ofDays(1);
  public static final double DEFAULT_MIN_R2 = 0.8;
  public static final long DEFAULT_MIN_GROWTH = 16L << 20;
  public static final long MIN_MIN_GROWTH = 1L << 10;
  public static final long MAX_MIN_GROWTH = 1L << 40;
  public static final int DEFAULT_MIN_HANDLE_GROWTH = 200;
  public static final int MIN_MIN_HANDLE_GROWTH = 1;
  public static final int MAX_MIN_HANDLE_GROWTH = 100_000_000;
  public static final Duration DEFAULT_GC_EVERY = Duration.ZERO;
  public static final boolean DEFAULT_HISTOGRAMS = true;
  public static final int DEFAULT_TOP_CLASSES = 10;
  public static final int MIN_TOP_CLASSES = 1;
  public static final int MAX_TOP_CLASSES = 200;
  public static final int DEFAULT_MAX_ALERTS = 20;
  public static final int MIN_MAX_ALERTS = 1;
  public static final int MAX_MAX_ALERTS = 1000;
  public static final boolean DEFAULT_HEAP_DUMP_ON_LEAK = false;
  public static final Duration DEFAULT_MIN_DUMP_INTERVAL = Duration.ofHours(1);
  public static final Duration MIN_MIN_DUMP_INTERVAL = Duration.ofMinutes(1);
  public static final List<String> NETTY_LEVELS = List.of("DISABLED", "SIMPLE", "ADVANCED", "PARANOID");
  /**
   * Off, as Vert.x itself sets it: SIMPLE measured +40 bytes allocated per request on GET /hello (bench/run overhead),
   * which alone would break the 64-byte bar; turn it on to hunt a buffer leak (the tests run at PARANOID).
   */
  public static final String DEFAULT_NETTY_LEVEL = "DISABLED";
  public static final int DEFAULT_MAX_NETTY_REPORTS = 10;
  public static final int MIN_MAX_NETTY_REPORTS = 1;
  public static final int MAX_MAX_NETTY_REPORTS = 100;
  public static final int DEFAULT_ALLOCATION_SAMPLING = 100;
  public static final int MAX_ALLOCATION_SAMPLING = 1_000_000;

  private boolean enabled = DEFAULT_ENABLED;
  private Duration sampleInterval = DEFAULT_SAMPLE_INTERVAL;
  private Duration window = DEFAULT_WINDOW;
  private Duration warmup = DEFAULT_WARMUP;
  private double minR2 = DEFAULT_MIN_R2;
  private long minGrowth = DEFAULT_MIN_GROWTH;
  private int minHandleGrowth = DEFAULT_MIN_HANDLE_GROWTH;
  private Duration gcEvery = DEFAULT_GC_EVERY;
  private boolean histograms = DEFAULT_HISTOGRAMS;
  private int topClasses = DEFAULT_TOP_CLASSES;
  private int maxAlerts = DEFAULT_MAX_ALERTS;
  private boolean heapDumpOnLeak = DEFAULT_HEAP_DUMP_ON_LEAK;
  private Duration minDumpInterval = DEFAULT_MIN_DUMP_INTERVAL;
  private String nettyLevel = DEFAULT_NETTY_LEVEL;
  private int maxNettyReports = DEFAULT_MAX_NETTY_REPORTS;
  private int allocationSampling = DEFAULT_ALLOCATION_SAMPLING;

  /** The defaults. */
  public LeakOptions() {
  }

  public boolean enabled() {
    return enabled;
  }

  public LeakOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public Duration sampleInterval() {
    return sampleInterval;
  }

  public LeakOptions setSampleInterval(Duration sampleInterval) {
    this.sampleInterval = Ranges.of("sampleInterval", sampleInterval, MIN_SAMPLE_INTERVAL, MAX_SAMPLE_INTERVAL);
    return this;
  }

  public Duration window() {
    return window;
  }

  public LeakOptions setWindow(Duration window) {
    this.window = Ranges.of("window", window, MIN_WINDOW, MAX_WINDOW);
    return this;
  }

  public Duration warmup() {
    return warmup;
  }

  public LeakOptions setWarmup(Duration warmup) {
    this.warmup = Ranges.of("warmup", warmup, Duration.ZERO, MAX_DURATION);
    return this;
  }

  public double minR2() {
    return minR2;
  }

  public LeakOptions setMinR2(double minR2) {
    this.minR2 = Ranges.of("minR2", minR2, 0.0, 1.0);
    return this;
  }

  public long minGrowth() {
    return minGrowth;
  }

  public LeakOptions setMinGrowth(long minGrowth) {
    this.minGrowth = Ranges.of("minGrowth", minGrowth, MIN_MIN_GROWTH, MAX_MIN_GROWTH);
    return this;
  }

  public int minHandleGrowth() {
    return minHandleGrowth;
  }

  public LeakOptions setMinHandleGrowth(int minHandleGrowth) {
    this.minHandleGrowth = Ranges.of("minHandleGrowth", minHandleGrowth, MIN_MIN_HANDLE_GROWTH, MAX_MIN_HANDLE_GROWTH);
    return this;
  }

  public Duration gcEvery() {
    return gcEvery;
  }

  public LeakOptions setGcEvery(Duration gcEvery) {
    this.gcEvery = Ranges.of("gcEvery", gcEvery, Duration.ZERO, MAX_DURATION);
    return this;
  }

  public boolean histograms() {
    return histograms;
  }

  public LeakOptions setHistograms(boolean histograms) {
    this.histograms = histograms;
    return this;
  }

  public int topClasses() {
    return topClasses;
  }

  public LeakOptions setTopClasses(int topClasses) {
    this.topClasses = Ranges.of("topClasses", topClasses, MIN_TOP_CLASSES, MAX_TOP_CLASSES);
    return this;
  }

  public int maxAlerts() {
    return maxAlerts;
  }

  public LeakOptions setMaxAlerts(int maxAlerts) {
    this.maxAlerts = Ranges.of("maxAlerts", maxAlerts, MIN_MAX_ALERTS, MAX_MAX_ALERTS);
    return this;
  }

  public boolean heapDumpOnLeak() {
    return heapDumpOnLeak;
  }

  public LeakOptions setHeapDumpOnLeak(boolean heapDumpOnLeak) {
    this.heapDumpOnLeak = heapDumpOnLeak;
    return this;
  }

  public Duration minDumpInterval() {
    return minDumpInterval;
  }

  public LeakOptions setMinDumpInterval(Duration minDumpInterval) {
    this.minDumpInterval = Ranges.of("minDumpInterval", minDumpInterval, MIN_MIN_DUMP_INTERVAL, MAX_DURATION);
    return this;
  }

  public String nettyLevel() {
    return nettyLevel;
  }

  public LeakOptions setNettyLevel(String nettyLevel) {
    Ranges.check(NETTY_LEVELS.contains(nettyLevel), "nettyLevel", nettyLevel, "one of " + NETTY_LEVELS);
    this.nettyLevel = nettyLevel;
    return this;
  }

  public int maxNettyReports() {
    return maxNettyReports;
  }

  public LeakOptions setMaxNettyReports(int maxNettyReports) {
    this.maxNettyReports = Ranges.of("maxNettyReports", maxNettyReports, MIN_MAX_NETTY_REPORTS, MAX_MAX_NETTY_REPORTS);
    return this;
  }

  /** One routed request in this many has its allocated bytes measured; 0 measures none. */
  public int allocationSampling() {
    return allocationSampling;
  }

  public LeakOptions setAllocationSampling(int allocationSampling) {
    this.allocationSampling = Ranges.of("allocationSampling", allocationSampling, 0, MAX_ALLOCATION_SAMPLING);
    return this;
  }

  /** These options under the keys of the {@code leaks} config section. */
  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("sampleInterval", sampleInterval.toMillis() + "ms")
        .put("window", window.toSeconds() + "s").put("warmup", warmup.toSeconds() + "s").put("minR2", minR2)
        .put("minGrowth", minGrowth).put("minHandleGrowth", minHandleGrowth).put("gcEvery", gcEvery.toMillis() + "ms")
        .put("histograms", histograms).put("topClasses", topClasses).put("maxAlerts", maxAlerts)
        .put("heapDumpOnLeak", heapDumpOnLeak).put("minDumpInterval", minDumpInterval.toSeconds() + "s")
        .put("nettyLevel", nettyLevel).put("maxNettyReports", maxNettyReports)
        .put("allocationSampling", allocationSampling);
  }
}
