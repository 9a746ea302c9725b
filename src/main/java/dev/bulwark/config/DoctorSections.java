package dev.bulwark.config;

import dev.bulwark.leak.DoctorOptions;

/**
 * Reads the {@code doctor} section into {@link DoctorOptions}: each key with its default and range (the options'
 * constants) and its meaning; a critical threshold below its warning one, or a window holding too few or too many
 * probes, is a {@link ConfigException} naming the key.
 */
final class DoctorSections {

  private DoctorSections() {
  }

  static DoctorOptions doctor(Section s) throws ConfigException {
    DoctorOptions o = new DoctorOptions()
        .setProbeInterval(s.duration("probeInterval", DoctorOptions.DEFAULT_PROBE_INTERVAL,
            DoctorOptions.MIN_PROBE_INTERVAL, DoctorOptions.MAX_PROBE_INTERVAL, "How often a probe task is "
                + "scheduled on each event loop; how late it runs is that loop's delay (`/admin/doctor`, "
                + "`/admin/status` `eventLoop`, `bulwark_event_loop_delay_seconds`)."))
        .setWindow(s.duration("window", DoctorOptions.DEFAULT_WINDOW, DoctorOptions.MIN_WINDOW,
            DoctorOptions.MAX_WINDOW, "The recent past the doctor judges: the event-loop delay's p99 and maximum "
                + "(over the window's probes), blocked-thread warnings and the GC time share."))
        .setWarnLoopDelay(s.duration("warnLoopDelay", DoctorOptions.DEFAULT_WARN_LOOP_DELAY,
            DoctorOptions.MIN_LOOP_DELAY, DoctorOptions.MAX_LOOP_DELAY, "An event loop whose p99 delay reaches "
                + "this is a `warn` finding."))
        .setCriticalLoopDelay(s.duration("criticalLoopDelay", DoctorOptions.DEFAULT_CRITICAL_LOOP_DELAY,
            DoctorOptions.MIN_LOOP_DELAY, DoctorOptions.MAX_LOOP_DELAY, "An event loop whose p99 delay reaches "
                + "this is `critical`; a single delay this long within the window is a `warn`."))
        .setWarnGcShare(s.fraction("warnGcShare", DoctorOptions.DEFAULT_WARN_GC_SHARE, 0.0, 1.0,
            "Share of the window's time spent in GC (0 to 1) that is a `warn` finding."))
        .setCriticalGcShare(s.fraction("criticalGcShare", DoctorOptions.DEFAULT_CRITICAL_GC_SHARE, 0.0, 1.0,
            "Share of the window's time spent in GC that is `critical`."));
    if (o.criticalLoopDelay().compareTo(o.warnLoopDelay()) < 0) {
      throw s.invalid("criticalLoopDelay", o.criticalLoopDelay().toMillis() + "ms",
          "expected at least doctor.warnLoopDelay (" + o.warnLoopDelay().toMillis() + "ms)");
    }
    if (o.criticalGcShare() < o.warnGcShare()) {
      throw s.invalid("criticalGcShare", o.criticalGcShare(),
          "expected at least doctor.warnGcShare (" + o.warnGcShare() + ")");
    }
    long probes = o.window().toNanos() / o.probeInterval().toNanos();
    if (probes < DoctorOptions.MIN_PROBES_PER_WINDOW || probes > DoctorOptions.MAX_PROBES_PER_WINDOW) {
      throw new ConfigException("doctor.window = " + o.window().toMillis() + "ms: expected "
          + DoctorOptions.MIN_PROBES_PER_WINDOW + " to " + DoctorOptions.MAX_PROBES_PER_WINDOW
          + " x doctor.probeInterval (" + o.probeInterval().toMillis() + "ms), so each loop keeps a window of "
          + DoctorOptions.MIN_PROBES_PER_WINDOW + " to " + DoctorOptions.MAX_PROBES_PER_WINDOW + " probes");
    }
    return o;
  }
}
