package dev.bulwark.memory;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.time.Duration;
import java.util.List;

/** The {@code memory} section: pressure signals, their thresholds, the actions taken and the in-flight body budget. */
public final class MemoryOptions {

  public static final Duration DEFAULT_SAMPLE_INTERVAL = Duration.ofMillis(250);
  public static final double DEFAULT_HYSTERESIS = 0.05;
  public static final Duration DEFAULT_MIN_DWELL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_GC_PROBE_INTERVAL = Duration.ofSeconds(5);
  public static final long DEFAULT_INFLIGHT_BODY_BYTES = 64L << 20;
  public static final int MAX_CRITICAL_ROUTES = 64;
  /** Request bodies in flight may take at most 1/4 of the max heap, whatever is configured. */
  public static final int HEAP_SHARE_FOR_BODIES = 4;
  /** With {@code memory.budget: 0}, the parent budget is this share of the max heap. */
  public static final double DEFAULT_BUDGET_HEAP_SHARE = 0.8;

  /** Two thresholds on one signal, as fractions of its limit. */
  public record Thresholds(double elevated, double critical) {
  }

  private final Duration sampleInterval;
  private final double hysteresis;
  private final Duration minDwell;
  private final Duration gcProbeInterval;
  private final long inflightBodyBytes;
  private final long budget;
  private final double budgetHeapShare;
  private final boolean overcommit;
  private final List<String> criticalRoutes;
  private final boolean closeConnectionsWhenElevated;
  private final boolean shedWhenCritical;
  private final String injectFile;
  private final Thresholds heap;
  private final Thresholds direct;
  private final Thresholds rss;

  public MemoryOptions(Section s) throws ConfigException {
    sampleInterval = s.duration("sampleInterval", DEFAULT_SAMPLE_INTERVAL, Duration.ofMillis(10), Duration.ofMinutes(1),
        "How often the memory signals are sampled (also after every GC).");
    hysteresis = s.fraction("hysteresis", DEFAULT_HYSTERESIS, 0, 0.5,
        "A level is left only when its signal is this far below the threshold that raised it.");
    minDwell = s.duration("minDwell", DEFAULT_MIN_DWELL, Duration.ZERO, Duration.ofMinutes(10),
        "A lower level is taken only after it has held this long (rises are immediate).");
    gcProbeInterval = s.duration("gcProbeInterval", DEFAULT_GC_PROBE_INTERVAL, Duration.ZERO, Duration.ofHours(1),
        "Above NORMAL with no GC for this long, a GC is requested to learn whether memory was freed; 0s never.");
    inflightBodyBytes = s.size("inflightBodyBytes", DEFAULT_INFLIGHT_BODY_BYTES, 1L << 10, 1L << 40,
        "Request body bytes all requests may hold at once while routes read them (reserved as they arrive, released "
            + "once read), capped at a quarter of the max heap; past it: 503 `overloaded` with `bytesWanted`, `bytesLimit` "
            + "and `budget`.");
    budget = s.size("budget", 0, 0, 1L << 50,
        "Bytes that request bodies, caches and sessions may hold in all (the parent of every memory budget); 0 means "
            + "`memory.budgetHeapShare` of the max heap. At start the children's limits must fit in it.");
    budgetHeapShare = s.fraction("budgetHeapShare", DEFAULT_BUDGET_HEAP_SHARE, 0.05, 0.95,
        "With `memory.budget` 0, the share of the max heap the memory budget takes.");
    overcommit = s.bool("overcommit", false,
        "Starts even when the budgets' limits add up to more than `memory.budget` (logged); otherwise that exits 2.");
    criticalRoutes = s.stringList("criticalRoutes", MAX_CRITICAL_ROUTES,
        "Path prefixes never shed (matched on whole path segments), besides the routes modules declare critical "
            + "(`/health`, `/critical`, the metrics path) (e.g. `/orders`).");
    closeConnectionsWhenElevated = s.bool("closeConnectionsWhenElevated", true,
        "At ELEVATED, answer with `Connection: close` so clients reconnect and load spreads.");
    shedWhenCritical = s.bool("shedWhenCritical", true,
        "At CRITICAL, answer non-critical routes 503 `overloaded` before reading their bodies.");
    injectFile = s.string("injectFile", "",
        "For tests and drills: while this file exists, the number 0..1 in it replaces every measured signal.");
    heap = thresholds(s.section("heap"), 0.70, 0.85, "heap in use after the last GC, of the max heap");
    direct = thresholds(s.section("direct"), 0.75, 0.90, "direct memory in use, of the max direct memory");
    rss = thresholds(s.section("rss"), 0.80, 0.92, "process RSS, of the container memory limit (if any)");
  }

  private static Thresholds thresholds(Section s, double elevated, double critical, String what)
      throws ConfigException {
    double e = s.fraction("elevated", elevated, 0.05, 1, "ELEVATED from this fraction: " + what + ".");
    double c = s.fraction("critical", critical, 0.05, 1, "CRITICAL from this fraction: " + what + ".");
    if (c < e) {
      throw new ConfigException("memory thresholds: critical (" + c + ") is below elevated (" + e + ")");
    }
    return new Thresholds(e, c);
  }

  public Duration sampleInterval() {
    return sampleInterval;
  }

  public double hysteresis() {
    return hysteresis;
  }

  public Duration minDwell() {
    return minDwell;
  }

  public Duration gcProbeInterval() {
    return gcProbeInterval;
  }

  /** The configured budget; see {@link #effectiveInflightBodyBytes()} for the one in force. */
  public long inflightBodyBytes() {
    return inflightBodyBytes;
  }

  /** The budget in force: as configured, but never more than a quarter of the max heap. */
  public long effectiveInflightBodyBytes() {
    return Math.min(inflightBodyBytes, Runtime.getRuntime().maxMemory() / HEAP_SHARE_FOR_BODIES);
  }

  /** The parent budget in force: as configured, or the heap share when 0. */
  public long effectiveBudget() {
    return budget > 0 ? budget : (long) (Runtime.getRuntime().maxMemory() * budgetHeapShare);
  }

  public double budgetHeapShare() {
    return budget > 0 ? (double) budget / Runtime.getRuntime().maxMemory() : budgetHeapShare;
  }

  public boolean overcommit() {
    return overcommit;
  }

  public List<String> criticalRoutes() {
    return criticalRoutes;
  }

  public boolean closeConnectionsWhenElevated() {
    return closeConnectionsWhenElevated;
  }

  public boolean shedWhenCritical() {
    return shedWhenCritical;
  }

  /** The drill file, or an empty string when off. */
  public String injectFile() {
    return injectFile;
  }

  public Thresholds heap() {
    return heap;
  }

  public Thresholds direct() {
    return direct;
  }

  public Thresholds rss() {
    return rss;
  }
}
