package dev.bulwark.leak;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.AsyncResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the detector does about a suspicion and a leak: the class-histogram baseline (at most one per two windows,
 * since each is a full GC), the alerts (the last {@code leaks.maxAlerts}), the diff that names the growing classes,
 * the log line, the event-bus publish, the count and the optional heap dump. Confined to the detector's thread: results
 * from worker threads come back through {@code onThread}, and the diff is parsed there, never on an event loop.
 */
final class LeakAlerts {

  private static final Logger LOG = LoggerFactory.getLogger(LeakAlerts.class);
  private static final int TOP_IN_LOG = 3;

  private final LeakOptions options;
  private final LeakDetector.Parts parts;
  private final Consumer<Runnable> onThread;
  private final Runnable changed;
  private final ArrayDeque<JsonObject> alerts = new ArrayDeque<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>(); // bound from the server's thread
  private HistogramBaseline baseline;
  private long baselineNanos;
  private boolean baselinePending;
  private boolean dumpPending;
  private long lastDumpNanos = Long.MIN_VALUE;
  private JsonArray lastDiff = new JsonArray();
  private long count;

  /** {@code onThread} runs a task on the detector's thread; {@code changed} re-renders its snapshot. */
  LeakAlerts(LeakOptions options, LeakDetector.Parts parts, Consumer<Runnable> onThread, Runnable changed) {
    this.options = options;
    this.parts = parts;
    this.onThread = onThread;
    this.changed = changed;
  }

  /** A signal turned suspected: a baseline, unless one is being taken or is younger than two windows. */
  void suspected(long now) {
    if (!options.histograms() || baselinePending
        || (baseline != null && now - baselineNanos < 2 * options.window().toNanos())) {
      return;
    }
    baselinePending = true;
    parts.baselines().get().onComplete(ar -> onThread.accept(() -> {
      baselinePending = false;
      if (ar.succeeded()) {
        baseline = ar.result();
        baselineNanos = now;
      } else {
        LOG.warn("Leak detector: no class-histogram baseline: {}", ar.cause().getMessage());
      }
    }));
  }

  /**
   * A signal turned leaking: the alert is recorded at once (so {@code /admin/leaks} never says leaking without it);
   * the histogram is taken on the detector's own thread and diffed here; then the log line, the publish and the dump.
   */
  void leaking(TrackedSignal s, long now) {
    JsonObject alert = new JsonObject().put("signal", s.name()).put("unit", s.unit().label())
        .put("at", Instant.now().toString()).put("value", (long) s.last()).put("growth", (long) s.growth())
        .put("slopePerMinute", LeakDetector.perMinute(s)).put("r2", LeakDetector.r2(s))
        .put("topClasses", new JsonArray());
    alerts.addLast(alert);
    while (alerts.size() > options.maxAlerts()) {
      alerts.removeFirst();
    }
    count++;
    Counter counter = counters.get(s.name());
    if (counter != null) {
      counter.increment();
    }
    HistogramBaseline since = baseline;
    if (since == null || !options.histograms()) {
      finish(alert, now);
      return;
    }
    parts.histograms().get().onComplete(ar -> onThread.accept(() -> {
      alert.put("topClasses", topClasses(since, ar));
      finish(alert, now);
    }));
  }

  private JsonArray topClasses(HistogramBaseline since, AsyncResult<ClassHistogram> taken) {
    JsonArray rows = new JsonArray();
    if (taken.failed()) {
      LOG.warn("Leak detector: no class histogram for the alert: {}", taken.cause().getMessage());
      return rows;
    }
    for (HistogramDiff.Growth g : since.diff(taken.result()).topByBytes(options.topClasses())) {
      rows.add(new JsonObject().put("className", g.name()).put("instancesDelta", g.instancesGrowth())
          .put("bytesDelta", g.bytesGrowth()));
    }
    return rows;
  }

  private void finish(JsonObject alert, long now) {
    JsonArray top = alert.getJsonArray("topClasses");
    if (!top.isEmpty()) {
      lastDiff = top;
    }
    LOG.warn("Leak: {} is leaking: +{} {} since suspected, {}/min (R² {}); top growing classes: {}",
        alert.getString("signal"), alert.getLong("growth"), alert.getString("unit"), alert.getDouble("slopePerMinute"),
        alert.getDouble("r2"), topForLog(top));
    if (options.heapDumpOnLeak() && parts.heapDump() != null && !dumpPending
        && (lastDumpNanos == Long.MIN_VALUE || now - lastDumpNanos >= options.minDumpInterval().toNanos())) {
      dumpPending = true;
      parts.heapDump().get().onComplete(ar -> onThread.accept(() -> {
        dumpPending = false;
        if (ar.succeeded()) {
          lastDumpNanos = now; // a refused dump (one already running, no disk) does not use up the interval
        }
        alert.put("heapDump", ar.succeeded() ? ar.result() : "failed: " + ar.cause().getMessage());
        changed.run();
      }));
    }
    parts.publish().accept(alert.copy());
    changed.run();
  }

  private static String topForLog(JsonArray top) {
    if (top.isEmpty()) {
      return "none taken";
    }
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(TOP_IN_LOG, top.size()); i++) {
      JsonObject row = top.getJsonObject(i);
      b.append(i == 0 ? "" : ", ").append(row.getString("className")).append(" +")
          .append(row.getLong("bytesDelta")).append(" B");
    }
    return b.toString();
  }

  /** Copies of the kept alerts (one may still get its classes or dump after the copy is published). */
  JsonArray alertsJson() {
    JsonArray kept = new JsonArray();
    alerts.forEach(a -> kept.add(a.copy()));
    return kept;
  }

  long count() {
    return count;
  }

  JsonArray lastDiff() {
    return lastDiff.copy();
  }

  Long baselineTakenAt() {
    return baseline == null ? null : baseline.takenAtMillis();
  }

  /** {@code bulwark_leak_alerts_total{signal}}, one counter per signal. */
  void bindTo(MeterRegistry registry, List<TrackedSignal> signals) {
    for (TrackedSignal s : signals) {
      counters.put(s.name(), Counter.builder("bulwark_leak_alerts_total").tag("signal", s.name())
          .description("Signals that turned leaking").register(registry));
    }
  }
}
