package dev.bulwark.config;

import dev.bulwark.memory.MemoryOptions;
import dev.bulwark.memory.MemoryOptions.Thresholds;
import dev.bulwark.scope.ScopeOptions;
import dev.bulwark.spi.PathPrefixes;

/**
 * Reads the sections of the request guards ({@code scope}, {@code memory}) into their options. Each key is declared
 * here with its default and range (the options' constants) and its meaning; a value the options would refuse is
 * refused here first, as a {@link ConfigException} that names the key and where it came from.
 */
final class GuardSections {

  private GuardSections() {
  }

  static ScopeOptions scope(Section s) throws ConfigException {
    return new ScopeOptions()
        .setMaxTimers(s.integer("maxTimers", ScopeOptions.DEFAULT_MAX_TIMERS, ScopeOptions.MIN_REQUEST_LIMIT,
            ScopeOptions.MAX_REQUEST_LIMIT,
            "Timers (one-shot and periodic) one request may hold at once; past it: 500 `scope_limit`."))
        .setMaxConsumers(s.integer("maxConsumers", ScopeOptions.DEFAULT_MAX_CONSUMERS, ScopeOptions.MIN_REQUEST_LIMIT,
            ScopeOptions.MAX_REQUEST_LIMIT,
            "Event-bus consumers one request may hold at once; past it: 500 `scope_limit`."))
        .setMaxResources(s.integer("maxResources", ScopeOptions.DEFAULT_MAX_RESOURCES, ScopeOptions.MIN_REQUEST_LIMIT,
            ScopeOptions.MAX_REQUEST_LIMIT,
            "Other resources (listener registrations, files, closeables, connection leases) one request may hold at once; past it: 500 "
                + "`scope_limit`."))
        .setMaxAttachments(s.integer("maxAttachments", ScopeOptions.DEFAULT_MAX_ATTACHMENTS,
            ScopeOptions.MIN_REQUEST_LIMIT, ScopeOptions.MAX_REQUEST_LIMIT,
            "Attachments (per-request data) one request may hold."))
        .setMaxVerticleResources(s.integer("maxVerticleResources", ScopeOptions.DEFAULT_MAX_VERTICLE_RESOURCES,
            ScopeOptions.MIN_MAX_VERTICLE_RESOURCES, ScopeOptions.MAX_MAX_VERTICLE_RESOURCES,
            "Resources one verticle or route module may hold in its long-lived scope."))
        .setTrackSites(s.choice("trackSites", ScopeOptions.DEFAULT_TRACK_SITES, ScopeOptions.TRACK_MODES,
            "Remember where scoped resources are made and count, per site, those the scope had to release: off, "
                + "sampled (one in `scope.sampleInterval`) or all."))
        .setSampleInterval(s.integer("sampleInterval", ScopeOptions.DEFAULT_SAMPLE_INTERVAL,
            ScopeOptions.MIN_SAMPLE_INTERVAL, ScopeOptions.MAX_SAMPLE_INTERVAL,
            "With `trackSites: sampled`, one resource in this many has its creation site recorded."))
        .setMaxSites(s.integer("maxSites", ScopeOptions.DEFAULT_MAX_SITES, ScopeOptions.MIN_MAX_SITES,
            ScopeOptions.MAX_MAX_SITES,
            "Distinct creation sites remembered; further sites are counted together as `other`."));
  }

  static MemoryOptions memory(Section s) throws ConfigException {
    return new MemoryOptions()
        .setSampleInterval(s.duration("sampleInterval", MemoryOptions.DEFAULT_SAMPLE_INTERVAL,
            MemoryOptions.MIN_SAMPLE_INTERVAL, MemoryOptions.MAX_SAMPLE_INTERVAL,
            "How often the memory signals are sampled (also after every GC)."))
        .setHysteresis(s.fraction("hysteresis", MemoryOptions.DEFAULT_HYSTERESIS, MemoryOptions.MIN_HYSTERESIS,
            MemoryOptions.MAX_HYSTERESIS,
            "A level is left only when its signal is this far below the threshold that raised it."))
        .setMinDwell(s.duration("minDwell", MemoryOptions.DEFAULT_MIN_DWELL, MemoryOptions.MIN_MIN_DWELL,
            MemoryOptions.MAX_MIN_DWELL,
            "A lower level is taken only after it has held this long (rises are immediate)."))
        .setGcProbeInterval(s.duration("gcProbeInterval", MemoryOptions.DEFAULT_GC_PROBE_INTERVAL,
            MemoryOptions.MIN_GC_PROBE_INTERVAL, MemoryOptions.MAX_GC_PROBE_INTERVAL,
            "Above NORMAL with no GC for this long, a GC is requested to learn whether memory was freed; 0s never."))
        .setInflightBodyBytes(s.size("inflightBodyBytes", MemoryOptions.DEFAULT_INFLIGHT_BODY_BYTES,
            MemoryOptions.MIN_INFLIGHT_BODY_BYTES, MemoryOptions.MAX_INFLIGHT_BODY_BYTES,
            "Request body bytes all requests may hold at once while routes read them (reserved as they arrive, "
                + "released once read), capped at a quarter of the max heap; past it: 503 `overloaded` with "
                + "`bytesWanted`, `bytesLimit` and `budget`."))
        .setBudget(s.size("budget", MemoryOptions.DEFAULT_BUDGET, MemoryOptions.MIN_BUDGET, MemoryOptions.MAX_BUDGET,
            "Bytes that request bodies, caches and sessions may hold in all (the parent of every memory budget); 0 "
                + "means `memory.budgetHeapShare` of the max heap. At start the children's limits must fit in it."))
        .setBudgetHeapShare(s.fraction("budgetHeapShare", MemoryOptions.DEFAULT_BUDGET_HEAP_SHARE,
            MemoryOptions.MIN_BUDGET_HEAP_SHARE, MemoryOptions.MAX_BUDGET_HEAP_SHARE,
            "With `memory.budget` 0, the share of the max heap the memory budget takes."))
        .setOvercommit(s.bool("overcommit", MemoryOptions.DEFAULT_OVERCOMMIT,
            "Starts even when the budgets' limits add up to more than `memory.budget` (logged); otherwise that exits "
                + "2."))
        .setCriticalRoutes(s.stringList("criticalRoutes", MemoryOptions.MAX_CRITICAL_ROUTES,
            PathPrefixes::narrowerThanRoot, "expected " + MemoryOptions.CRITICAL_ROUTES_ALLOWED, "Path prefixes never shed (matched on whole path segments), besides the routes modules declare critical "
                + "(`/health`, `/critical`, the metrics path) (e.g. `/orders`)."))
        .setCloseConnectionsWhenElevated(s.bool("closeConnectionsWhenElevated",
            MemoryOptions.DEFAULT_CLOSE_WHEN_ELEVATED,
            "At ELEVATED, answer with `Connection: close` so clients reconnect and load spreads."))
        .setShedWhenCritical(s.bool("shedWhenCritical", MemoryOptions.DEFAULT_SHED_WHEN_CRITICAL,
            "At CRITICAL, answer non-critical routes 503 `overloaded` before reading their bodies."))
        .setRefuseConnectionsWhenCritical(s.bool("refuseConnectionsWhenCritical",
            MemoryOptions.DEFAULT_REFUSE_CONNECTIONS_WHEN_CRITICAL, "At CRITICAL, close new connections on the main "
                + "port as they are accepted, before parsing anything (counted); open ones are still served."))
        .setNettyBufferQueue(s.integer("nettyBufferQueue", MemoryOptions.DEFAULT_NETTY_BUFFER_QUEUE,
            MemoryOptions.MIN_NETTY_BUFFER_QUEUE, MemoryOptions.MAX_NETTY_BUFFER_QUEUE,
            "Freed buffer wrappers each magazine of Netty's allocator keeps for reuse, allocated at start (Netty's "
                + "default, 1024, costs ~430 KiB of idle heap); more are left to the GC. "
                + "`-Dio.netty.allocator.magazineBufferQueueCapacity` wins."))
        .setInjectFile(s.string("injectFile", MemoryOptions.DEFAULT_INJECT_FILE,
            "For tests and drills: while this file exists, the number 0..1 in it replaces every measured signal."))
        .setHeap(thresholds(s.section("heap"), MemoryOptions.DEFAULT_HEAP,
            "heap in use after the last GC, of the max heap"))
        .setDirect(thresholds(s.section("direct"), MemoryOptions.DEFAULT_DIRECT,
            "direct memory in use, of the max direct memory"))
        .setRss(thresholds(s.section("rss"), MemoryOptions.DEFAULT_RSS,
            "process RSS, of the container memory limit (if any)"));
  }

  private static Thresholds thresholds(Section s, Thresholds defaults, String what) throws ConfigException {
    double e = s.fraction("elevated", defaults.elevated(), Thresholds.MIN, Thresholds.MAX,
        "ELEVATED from this fraction: " + what + ".");
    double c = s.fraction("critical", defaults.critical(), Thresholds.MIN, Thresholds.MAX,
        "CRITICAL from this fraction: " + what + ".");
    try {
      return new Thresholds(e, c);
    } catch (IllegalArgumentException belowElevated) {
      // The section checked each range; only the order of the two can be wrong here.
      throw s.invalid("critical", c, "expected at least elevated (" + e + ")");
    }
  }
}
