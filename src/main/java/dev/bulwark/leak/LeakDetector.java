package dev.bulwark.leak;

import dev.bulwark.leak.HandleProbes.Probe;
import dev.bulwark.leak.TrackedSignal.Change;
import dev.bulwark.leak.TrackedSignal.Unit;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the signals a leak shows in (the heap's live floor after GC, metaspace, direct memory, threads, file
 * descriptors, timers, event-bus handlers, scoped resources) on its own thread, fits each over {@code leaks.window},
 * and says which is {@code suspected} and which {@code leaking}. A suspicion takes a class-histogram baseline; a leak
 * diffs against it, keeps the top growing classes with the alert, logs one line, publishes it on the event bus
 * ({@code bulwark.leaks}), counts it, and (if configured) writes one heap dump. It never touches an event loop, and
 * never runs a GC of its own unless {@code leaks.gcEvery} asks it to or {@code leaks.histograms} takes a histogram.
 */
public final class LeakDetector implements AutoCloseable {

  /** The event-bus address every alert is published to. */
  public static final String ADDRESS = "bulwark.leaks";
  static final String HEAP = "heapAfterGc";
  private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);
  private static final int TOP_IN_LOG = 3;

  /** What the detector acts with; each part replaceable in tests. */
  record Parts(List<Probe> probes, HeapFloor floor, Supplier<Future<HistogramBaseline>> baselines,
      Supplier<Future<ClassHistogram>> histograms,
      Consumer<JsonObject> publish, Supplier<Future<String>> heapDump, Runnable gc) {}

  private final LeakOptions options;
  private final Parts parts;
  private final LongSupplier nanoClock;
  private final ScheduledExecutorService thread;
  private final long startNanos;
  private final TrackedSignal heap;
  private final List<TrackedSignal> polled = new ArrayList<>();
  private final List<TrackedSignal> all = new ArrayList<>();
  private final ArrayDeque<JsonObject> alerts = new ArrayDeque<>();
  private final java.util.Map<String, Counter> alertCounters = new java.util.concurrent.ConcurrentHashMap<>();
  private HistogramBaseline baseline;
  private boolean baselinePending;
  private JsonArray lastDiff = new JsonArray();
  private long lastGcRequest;
  private long lastDumpNanos = Long.MIN_VALUE;
  private long alertCount;
  private volatile LeakState status = LeakState.OK;
  private volatile JsonObject snapshot;

  LeakDetector(LeakOptions options, Parts parts, LongSupplier nanoClock, ScheduledExecutorService thread) {
    this.options = options;
    this.parts = parts;
    this.nanoClock = nanoClock;
    this.thread = thread;
    this.startNanos = nanoClock.getAsLong();
    this.lastGcRequest = startNanos;
    long window = options.window().toNanos();
    // Room for every sample of a window at the sampling rate, and for troughs (rarer than samples) with margin.
    int capacity = (int) Math.min(100_000, 4 + 2 * window / options.sampleInterval().toNanos());
    heap = new TrackedSignal(HEAP, Unit.BYTES, options.minGrowth(), options.minR2(), window, capacity);
    all.add(heap);
    for (Probe p : parts.probes()) {
      double min = p.unit() == Unit.BYTES ? options.minGrowth() : options.minHandleGrowth();
      TrackedSignal s = new TrackedSignal(p.name(), p.unit(), min, options.minR2(), window, capacity);
      polled.add(s);
      all.add(s);
    }
    snapshot = render();
  }

  /** Starts sampling on {@code thread} every {@code leaks.sampleInterval} until {@link #close()}. */
  static LeakDetector start(LeakOptions options, Parts parts, ScheduledExecutorService thread) {
    LeakDetector detector = new LeakDetector(options, parts, System::nanoTime, thread);
    long every = options.sampleInterval().toNanos();
    thread.scheduleWithFixedDelay(detector::sampleSafely, every, every, TimeUnit.NANOSECONDS);
    return detector;
  }

  private void sampleSafely() {
    try {
      sample();
    } catch (RuntimeException e) {
      LOG.warn("Leak detector sample failed: {}", e.toString());
    }
  }

  /** Reads every signal, fits each window and acts on what changed; on the detector's thread (or a test's). */
  void sample() {
    long now = nanoClock.getAsLong();
    boolean warm = now - startNanos >= options.warmup().toNanos();
    if (parts.floor() != null) {
      parts.floor().drainInto(warm ? heap : null);
      askForGcIfQuiet(now);
    }
    for (int i = 0; i < polled.size(); i++) {
      long value = parts.probes().get(i).read().getAsLong();
      if (value >= 0) {
        polled.get(i).observe(now, value, warm);
      }
    }
    heap.note(heap.trend() == null && warm ? "waiting for collections that lower the old generation (see "
        + "leaks.gcEvery)" : null);
    if (warm) {
      for (TrackedSignal s : all) {
        act(s, s.evaluate(now), now);
      }
    }
    status = worst();
    snapshot = render();
  }

  /** The documented fallback for a quiet heap: no trough for {@code leaks.gcEvery}, so ask for a collection. */
  private void askForGcIfQuiet(long now) {
    long every = options.gcEvery().toNanos();
    if (every > 0 && now - parts.floor().lastPointNanos() >= every && now - lastGcRequest >= every) {
      lastGcRequest = now;
      parts.gc().run();
    }
  }

  private void act(TrackedSignal s, Change change, long now) {
    switch (change) {
      case SUSPECTED -> {
        LOG.info("Leak detector: {} suspected (rising {}/min, R² {})", s.name(), perMinute(s), r2(s));
        takeBaseline();
      }
      case LEAKING -> raise(s, now);
      case CLEARED -> {
        if (worst() == LeakState.OK) {
          baseline = null; // the episode is over; the next suspicion takes a fresh baseline
        }
      }
      default -> {
      }
    }
  }

  private void takeBaseline() {
    if (!options.histograms() || baseline != null || baselinePending) {
      return;
    }
    baselinePending = true;
    parts.baselines().get().onComplete(ar -> onThread(() -> {
      baselinePending = false;
      if (ar.succeeded()) {
        baseline = ar.result();
      } else {
        LOG.warn("Leak detector: no class-histogram baseline: {}", ar.cause().getMessage());
      }
    }));
  }

  /**
   * Records the alert at once (so {@code /admin/leaks} never says leaking without it), then diffs the histogram on a
   * worker thread and, with the growing classes, logs, publishes and dumps.
   */
  private void raise(TrackedSignal s, long now) {
    JsonObject alert = new JsonObject().put("signal", s.name()).put("unit", s.unit().label())
        .put("at", java.time.Instant.now().toString()).put("value", (long) s.last()).put("growth", (long) s.growth())
        .put("slopePerMinute", perMinute(s)).put("r2", r2(s)).put("topClasses", new JsonArray());
    alerts.addLast(alert);
    while (alerts.size() > options.maxAlerts()) {
      alerts.removeFirst();
    }
    alertCount++;
    Counter counter = alertCounters.get(s.name());
    if (counter != null) {
      counter.increment();
    }
    HistogramBaseline since = baseline;
    Future<JsonArray> classes = since == null || !options.histograms() ? Future.succeededFuture(new JsonArray())
        : parts.histograms().get().map(h -> topClasses(since.diff(h)));
    classes.otherwise(e -> {
      LOG.warn("Leak detector: no class histogram for the alert: {}", e.getMessage());
      return new JsonArray();
    }).onComplete(ar -> onThread(() -> finish(alert.put("topClasses", ar.result()), now)));
  }

  private JsonArray topClasses(HistogramDiff diff) {
    JsonArray rows = new JsonArray();
    for (HistogramDiff.Growth g : diff.topByBytes(options.topClasses())) {
      if (g.bytesGrowth() > 0) {
        rows.add(new JsonObject().put("className", g.name()).put("instancesDelta", g.instancesGrowth())
            .put("bytesDelta", g.bytesGrowth()));
      }
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
    if (options.heapDumpOnLeak() && parts.heapDump() != null
        && (lastDumpNanos == Long.MIN_VALUE || now - lastDumpNanos >= options.minDumpInterval().toNanos())) {
      lastDumpNanos = now;
      parts.heapDump().get().onComplete(ar -> onThread(() -> {
        alert.put("heapDump", ar.succeeded() ? ar.result() : "failed: " + ar.cause().getMessage());
        snapshot = render();
      }));
    }
    parts.publish().accept(alert.copy());
    snapshot = render();
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

  private void onThread(Runnable task) {
    if (thread == null) {
      task.run();
    } else if (!thread.isShutdown()) {
      thread.execute(task);
    }
  }

  private LeakState worst() {
    LeakState w = LeakState.OK;
    for (TrackedSignal s : all) {
      if (s.state().compareTo(w) > 0) {
        w = s.state();
      }
    }
    return w;
  }

  private static double perMinute(TrackedSignal s) {
    return s.trend() == null ? 0 : Math.round(s.trend().slopePerSecond() * 60 * 100) / 100.0;
  }

  private static double r2(TrackedSignal s) {
    return s.trend() == null ? 0 : Math.round(s.trend().r2() * 1000) / 1000.0;
  }

  private JsonObject render() {
    JsonArray signals = new JsonArray();
    for (TrackedSignal s : all) {
      signals.add(s.toJson());
    }
    JsonArray kept = new JsonArray(); // copies: an alert still gets its classes and dump after this is published
    alerts.forEach(a -> kept.add(a.copy()));
    return new JsonObject().put("status", status.label()).put("signals", signals)
        .put("alerts", kept).put("alertCount", alertCount)
        .put("histogramDiff", lastDiff.copy())
        .put("baselineTaken", baseline == null ? null : baseline.takenAtMillis())
        .put("options", options.toJson());
  }

  /** The detector's status: one volatile read. */
  public LeakState status() {
    return status;
  }

  /** What {@code /admin/leaks} answers: the JSON of the last sample (a copy, so callers may add to it). */
  public JsonObject toJson() {
    return snapshot.copy();
  }

  /** {@code bulwark_leak_status} (0 ok, 1 suspected, 2 leaking) and {@code bulwark_leak_alerts_total{signal}}. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark_leak_status", this, d -> d.status.ordinal())
        .description("Leak detector status: 0 ok, 1 suspected, 2 leaking").register(registry);
    for (TrackedSignal s : all) {
      alertCounters.put(s.name(), Counter.builder("bulwark_leak_alerts_total").tag("signal", s.name())
          .description("Signals that turned leaking").register(registry));
    }
  }

  @Override
  public void close() {
    if (parts.floor() != null) {
      parts.floor().close();
    }
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
