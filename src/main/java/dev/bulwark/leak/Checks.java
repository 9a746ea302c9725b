package dev.bulwark.leak;

import dev.bulwark.leak.Finding.Severity;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;

/**
 * The doctor's checks: each turns the figures of one concern into a {@link Finding}, with the figures as its evidence
 * and the next step as its advice. Pure functions of their inputs, so tests give them any figures.
 */
final class Checks {

  static final String LOOP_DELAY = "event-loop delay";
  static final String BLOCKED = "blocked threads";
  static final String GC_SHARE = "gc time share";
  static final String HEAP_TREND = "heap trend";
  static final String HANDLE_GROWTH = "handle growth";
  static final String PRESSURE = "pressure";

  private Checks() {
  }

  static Finding loopDelay(EventLoopDelay.Worst worst, int loops, DoctorOptions options) {
    long warn = options.warnLoopDelay().toNanos();
    long critical = options.criticalLoopDelay().toNanos();
    Severity status = worst.p99Nanos() >= critical ? Severity.CRITICAL
        : worst.p99Nanos() >= warn || worst.maxNanos() >= critical ? Severity.WARN : Severity.OK;
    JsonObject evidence = new JsonObject().put("loops", loops).put("worstLoop", worst.loop())
        .put("p99Ms", EventLoopDelay.millis(worst.p99Nanos())).put("maxMs", EventLoopDelay.millis(worst.maxNanos()))
        .put("probes", worst.probes()).put("warnMs", options.warnLoopDelay().toMillis())
        .put("criticalMs", options.criticalLoopDelay().toMillis());
    String advice = status == Severity.OK
        ? "Event loops run their tasks on time."
        : worst.loop() + " ran tasks up to " + Math.round(worst.maxNanos() / 1e6) + " ms late (p99 "
            + Math.round(worst.p99Nanos() / 1e6) + " ms): something runs long on it; find it with GET /admin/profile "
            + "and move blocking or CPU-heavy work to executeBlocking or a worker verticle.";
    return new Finding(LOOP_DELAY, status, evidence, advice);
  }

  static Finding blocked(BlockedThreadWarnings.Recent recent, long eventLoopTotal, long workerTotal,
      List<String> deadlocked) {
    JsonObject evidence = new JsonObject().put("eventLoopWarnings", eventLoopTotal).put("workerWarnings", workerTotal)
        .put("inWindow", new JsonObject().put("eventLoop", recent.eventLoop()).put("worker", recent.worker()))
        .put("recent", recent.warnings()).put("deadlocked", new JsonArray(List.copyOf(deadlocked)));
    if (!deadlocked.isEmpty()) {
      return new Finding(BLOCKED, Severity.CRITICAL, evidence, "Threads " + String.join(", ", deadlocked)
          + " are deadlocked: save their stacks (GET /admin/threads), restart the instance, then fix the lock order.");
    }
    if (recent.eventLoop() > 0) {
      return new Finding(BLOCKED, Severity.CRITICAL, evidence, "Vert.x saw an event loop blocked for "
          + recent.longestEventLoopNanos() / 1_000_000 + " ms: the log shows where (logger "
          + "io.vertx.core.impl.BlockedThreadChecker); move that work off the event loop.");
    }
    if (recent.worker() > 0) {
      return new Finding(BLOCKED, Severity.WARN, evidence, "A worker task ran past Vert.x's limit: look for slow "
          + "I/O or lock waits in blocking code (GET /admin/threads while it happens).");
    }
    return new Finding(BLOCKED, Severity.OK, evidence, "No thread was reported blocked within the window.");
  }

  static Finding gcShare(GcShare.Share share, DoctorOptions options, JsonArray heaviestRoutes) {
    Severity status = share.share() >= options.criticalGcShare() ? Severity.CRITICAL
        : share.share() >= options.warnGcShare() ? Severity.WARN : Severity.OK;
    JsonObject evidence = new JsonObject().put("share", Math.round(share.share() * 10_000) / 10_000.0)
        .put("gcMs", share.gcMillis()).put("overSeconds", Math.round(share.spanNanos() / 1e8) / 10.0)
        .put("warnShare", options.warnGcShare()).put("criticalShare", options.criticalGcShare())
        .put("heaviestRoutes", heaviestRoutes);
    String percent = String.format(Locale.ROOT, "%.1f %%", share.share() * 100);
    String advice = status == Severity.OK
        ? "GC takes " + percent + " of the time."
        : "GC took " + percent + " of the last " + evidence.getDouble("overSeconds") + " s: the heap is tight or "
            + "allocation is high; give the heap room (-Xmx) or allocate less" + heaviest(heaviestRoutes) + ".";
    return new Finding(GC_SHARE, status, evidence, advice);
  }

  /** The heap signals of {@code /admin/leaks} ({@code heap...}). */
  static Finding heapTrend(JsonObject leaks, JsonArray heaviestRoutes) {
    JsonArray heap = signals(leaks, true);
    JsonObject worst = worst(heap);
    JsonObject evidence = new JsonObject().put("detector", leaks.getString("status", "unknown")).put("signals", heap)
        .put("heaviestRoutes", heaviestRoutes);
    Severity status = severity(worst);
    String advice = switch (status) {
      case OK -> heap.isEmpty() ? "No heap signal from the leak detector yet." : "The heap after GC is not rising.";
      case WARN -> "The heap after GC rose " + growth(worst) + " over the window (R² "
          + String.format(Locale.ROOT, "%.2f", worst.getDouble("r2", 0.0)) + "): diff class histograms "
          + "(POST /admin/heap/baseline, later GET /admin/heap/diff) to see what grows.";
      case CRITICAL -> "The heap after GC keeps rising (" + slope(worst) + "): see GET /admin/leaks for the growing "
          + "classes and take a heap dump (POST /admin/heap/dump) before it runs out.";
    };
    return new Finding(HEAP_TREND, status, evidence, advice);
  }

  /** Every other signal of {@code /admin/leaks}: threads, file descriptors, timers, handlers, direct, metaspace. */
  static Finding handleGrowth(JsonObject leaks) {
    JsonArray others = signals(leaks, false);
    JsonObject worst = worst(others);
    Severity status = severity(worst);
    JsonObject evidence = new JsonObject().put("detector", leaks.getString("status", "unknown"))
        .put("signals", others);
    String advice = status == Severity.OK
        ? (others.isEmpty() ? "No handle signal from the leak detector yet." : "No handle count is rising.")
        : worst.getString("name") + " grew by " + growth(worst) + " over the window (" + slope(worst) + "): "
            + "something opens them and does not close them; GET /admin/leaks has the details.";
    return new Finding(HANDLE_GROWTH, status, evidence, advice);
  }

  /** The {@code pressure} status section of the memory monitor. */
  static Finding pressure(JsonObject pressure) {
    String level = pressure.getString("level", "NORMAL");
    JsonObject evidence = new JsonObject().put("level", level).put("since", pressure.getValue("since"))
        .put("shedCount", pressure.getValue("shedCount")).put("signals", pressure.getValue("signals"));
    return switch (level) {
      case "CRITICAL" -> new Finding(PRESSURE, Severity.CRITICAL, evidence, "Memory pressure is CRITICAL: "
          + "non-critical routes are shed with 503; see which signal is high, then find what holds memory "
          + "(GET /admin/heap/histogram) or give the process more.");
      case "ELEVATED" -> new Finding(PRESSURE, Severity.WARN, evidence, "Memory pressure is ELEVATED: caches "
          + "shrink and connections close; see which signal is high before it reaches CRITICAL.");
      default -> new Finding(PRESSURE, Severity.OK, evidence, "Memory pressure is " + level + ".");
    };
  }

  private static JsonArray signals(JsonObject leaks, boolean heap) {
    JsonArray picked = new JsonArray();
    for (Object o : leaks.getJsonArray("signals", new JsonArray())) {
      if (o instanceof JsonObject s && s.getString("name", "").toLowerCase(Locale.ROOT).startsWith("heap") == heap) {
        picked.add(s);
      }
    }
    return picked;
  }

  /** The signal in the worst state (leaking, then suspected), or null when none is either. */
  private static JsonObject worst(JsonArray signals) {
    JsonObject worst = null;
    for (Object o : signals) {
      JsonObject s = (JsonObject) o;
      if (severity(s).compareTo(severity(worst)) > 0) {
        worst = s;
      }
    }
    return worst;
  }

  private static Severity severity(JsonObject signal) {
    String state = signal == null ? "ok" : signal.getString("state", "ok");
    return "leaking".equals(state) ? Severity.CRITICAL : "suspected".equals(state) ? Severity.WARN : Severity.OK;
  }

  private static String growth(JsonObject signal) {
    return amount(signal, signal.getValue("growth"));
  }

  private static String slope(JsonObject signal) {
    return amount(signal, signal.getValue("slopePerMinute")) + " a minute";
  }

  private static String amount(JsonObject signal, Object value) {
    double v = value instanceof Number n ? n.doubleValue() : 0;
    return "bytes".equals(signal.getString("unit"))
        ? String.format(Locale.ROOT, "%.1f MiB", v / (1 << 20))
        : String.format(Locale.ROOT, "%.0f", v);
  }

  /** Names the heaviest allocating route, when there is one, as the end of a piece of advice. */
  private static String heaviest(JsonArray routes) {
    if (routes.isEmpty()) {
      return "";
    }
    JsonObject top = routes.getJsonObject(0);
    return " (heaviest route: " + top.getString("route") + ", "
        + String.format(Locale.ROOT, "%.1f KiB", top.getDouble("bytesPerRequest", 0.0) / 1024) + " a request)";
  }
}
