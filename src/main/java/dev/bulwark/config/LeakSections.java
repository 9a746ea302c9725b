package dev.bulwark.config;

import dev.bulwark.leak.LeakOptions;

/**
 * Reads the {@code leaks} section into {@link LeakOptions}. Each key is declared here with its default and range (the
 * options' constants) and its meaning; a value the options would refuse is refused here first, as a
 * {@link ConfigException} that names the key and where it came from.
 */
final class LeakSections {

  private LeakSections() {
  }

  static LeakOptions leaks(Section s) throws ConfigException {
    LeakOptions o = new LeakOptions()
        .setEnabled(s.bool("enabled", LeakOptions.DEFAULT_ENABLED, "Runs the leak detector (`/admin/leaks`): trends "
            + "of the heap after GC, metaspace, direct memory, threads, file descriptors, timers, event-bus handlers "
            + "and scoped resources."))
        .setSampleInterval(s.duration("sampleInterval", LeakOptions.DEFAULT_SAMPLE_INTERVAL,
            LeakOptions.MIN_SAMPLE_INTERVAL, LeakOptions.MAX_SAMPLE_INTERVAL,
            "How often the detector reads its signals (on its own thread, never an event loop)."))
        .setWindow(s.duration("window", LeakOptions.DEFAULT_WINDOW, LeakOptions.MIN_WINDOW, LeakOptions.MAX_WINDOW,
            "The sliding window each trend is fitted over; `leaking` needs the rise to hold for a second window."))
        .setWarmup(s.duration("warmup", LeakOptions.DEFAULT_WARMUP, java.time.Duration.ZERO,
            LeakOptions.MAX_DURATION, "Samples taken this soon after start are ignored (class loading, caches "
                + "filling)."))
        .setMinR2(s.fraction("minR2", LeakOptions.DEFAULT_MIN_R2, 0.0, 1.0,
            "How well a rising line must fit a window (R², 0 to 1) to count as a trend."))
        .setMinGrowth(s.size("minGrowth", LeakOptions.DEFAULT_MIN_GROWTH, LeakOptions.MIN_MIN_GROWTH,
            LeakOptions.MAX_MIN_GROWTH, "Growth of a byte signal (heap after GC, metaspace, direct) over a window "
                + "that makes a trend `suspected`, and since then that makes it `leaking`."))
        .setMinHandleGrowth(s.integer("minHandleGrowth", LeakOptions.DEFAULT_MIN_HANDLE_GROWTH,
            LeakOptions.MIN_MIN_HANDLE_GROWTH, LeakOptions.MAX_MIN_HANDLE_GROWTH, "The same for a count (threads, "
                + "file descriptors, timers, event-bus handlers, scoped resources)."))
        .setGcEvery(s.duration("gcEvery", LeakOptions.DEFAULT_GC_EVERY, java.time.Duration.ZERO,
            LeakOptions.MAX_DURATION, "When no collection has shown the heap's live floor for this long, the "
                + "detector asks for a full GC (`System.gc()`); 0s never (then a quiet heap is judged only when G1 "
                + "collects the old generation by itself)."))
        .setHistograms(s.bool("histograms", LeakOptions.DEFAULT_HISTOGRAMS, "Takes a class histogram when a signal "
            + "turns `suspected` (at most once per two windows) and diffs against it when it turns `leaking`, to name "
            + "the growing classes; each histogram is a full GC."))
        .setTopClasses(s.integer("topClasses", LeakOptions.DEFAULT_TOP_CLASSES, LeakOptions.MIN_TOP_CLASSES,
            LeakOptions.MAX_TOP_CLASSES, "Growing classes kept with an alert."))
        .setMaxAlerts(s.integer("maxAlerts", LeakOptions.DEFAULT_MAX_ALERTS, LeakOptions.MIN_MAX_ALERTS,
            LeakOptions.MAX_MAX_ALERTS, "Alerts kept for `/admin/leaks`; the oldest go first."))
        .setHeapDumpOnLeak(s.bool("heapDumpOnLeak", LeakOptions.DEFAULT_HEAP_DUMP_ON_LEAK,
            "Writes one heap dump to `admin.dumpDir` when a signal turns `leaking` (same checks and retention as "
                + "`POST /admin/heap/dump`)."))
        .setMinDumpInterval(s.duration("minDumpInterval", LeakOptions.DEFAULT_MIN_DUMP_INTERVAL,
            LeakOptions.MIN_MIN_DUMP_INTERVAL, LeakOptions.MAX_DURATION,
            "At most one heap dump on a leak this often."))
        .setNettyLevel(s.choice("nettyLevel", LeakOptions.DEFAULT_NETTY_LEVEL, LeakOptions.NETTY_LEVELS,
            "Netty's ByteBuf leak detector: DISABLED (Vert.x's own default), SIMPLE (samples ~1%; measured +40 B "
                + "allocated per request), ADVANCED (samples with access records), PARANOID (every buffer). Netty's own "
                + "`-Dio.netty.leakDetection.level` wins when given (the tests run at PARANOID so)."))
        .setMaxNettyReports(s.integer("maxNettyReports", LeakOptions.DEFAULT_MAX_NETTY_REPORTS,
            LeakOptions.MIN_MAX_NETTY_REPORTS, LeakOptions.MAX_MAX_NETTY_REPORTS,
            "Netty leak reports kept, with their access records, for `/admin/leaks`."))
        .setAllocationSampling(s.integer("allocationSampling", LeakOptions.DEFAULT_ALLOCATION_SAMPLING, 0,
            LeakOptions.MAX_ALLOCATION_SAMPLING, "One routed request in this many has the bytes it allocated "
                + "measured, per route template (`/admin/doctor`, metrics); 0 off."));
    if (o.window().compareTo(o.sampleInterval().multipliedBy(LeakOptions.MIN_SAMPLES_PER_WINDOW)) < 0) {
      throw new ConfigException("leaks.window = " + o.window().toMillis() + "ms: expected at least "
          + LeakOptions.MIN_SAMPLES_PER_WINDOW + " x leaks.sampleInterval (" + o.sampleInterval().toMillis()
          + "ms), or no window holds enough samples to fit a trend");
    }
    if (o.window().toNanos() / o.sampleInterval().toNanos() > dev.bulwark.leak.LeakDetector.MAX_SAMPLES_PER_WINDOW) {
      throw new ConfigException("leaks.window = " + o.window().toMillis() + "ms: expected at most "
          + dev.bulwark.leak.LeakDetector.MAX_SAMPLES_PER_WINDOW + " x leaks.sampleInterval ("
          + o.sampleInterval().toMillis() + "ms), the samples one window holds");
    }
    return o;
  }
}
