package dev.bulwark.leak;

import dev.bulwark.leak.HandleProbes.Probe;
import dev.bulwark.leak.TrackedSignal.Change;
import dev.bulwark.leak.TrackedSignal.Unit;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
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
 * and says which is {@code suspected} and which {@code leaking}; {@link LeakAlerts} acts on it (histogram baseline and
 * diff, log line, event-bus publish on {@code bulwark.leaks}, count, optional dump). It never touches an event loop,
 * and never runs a GC of its own unless {@code leaks.gcEvery} asks it to or {@code leaks.histograms} takes a histogram.
 */
public final class LeakDetector implements AutoCloseable {

  /** The event-bus address every alert is published to. */
  public static final String ADDRESS = "bulwark.leaks";
  static final String HEAP = "heapAfterGc";
  /** Samples one window may hold: {@code leaks.window} over {@code leaks.sampleInterval} is refused above this. */
  public static final int MAX_SAMPLES_PER_WINDOW = 50_000;
  private static final Logger LOG = LoggerFactory.getLogger(LeakDetector.class);

  /** What the detector acts with; each part replaceable in tests. */
  record Parts(List<Probe> probes, HeapFloor floor, Supplier<Future<HistogramBaseline>> baselines,
      Supplier<Future<ClassHistogram>> histograms, Consumer<JsonObject> publish, Supplier<Future<String>> heapDump,
      Runnable gc) {}

  private final LeakOptions options;
  private final Parts parts;
  private final LongSupplier nanoClock;
  private final ScheduledExecutorService thread;
  private final long startNanos;
  private final TrackedSignal heap;
  private final List<TrackedSignal> polled = new ArrayList<>();
  private final List<TrackedSignal> all = new ArrayList<>();
  private final LeakAlerts alerts;
  private long lastGcRequest;
  private boolean failedOnce;
  private volatile LeakState status = LeakState.OK;
  private volatile long alertCount;
  private volatile JsonObject snapshot;

  LeakDetector(LeakOptions options, Parts parts, LongSupplier nanoClock, ScheduledExecutorService thread) {
    this.options = options;
    this.parts = parts;
    this.nanoClock = nanoClock;
    this.thread = thread;
    this.startNanos = nanoClock.getAsLong();
    this.lastGcRequest = startNanos;
    this.alerts = new LeakAlerts(options, parts, this::onThread, () -> snapshot = render());
    long window = options.window().toNanos();
    // Room for every sample of a window at the sampling rate (troughs are rarer), with margin; bounded by the config.
    int capacity = (int) (4 + 2 * window / options.sampleInterval().toNanos());
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

  /** Never lets a failure end the schedule (a throwing task is cancelled for good), Errors included. */
  private void sampleSafely() {
    try {
      sample();
    } catch (Throwable e) {
      if (!failedOnce) {
        failedOnce = true; // once: a failure that repeats every sample would flood the log
        LOG.warn("Leak detector sample failed (said once): {}", e.toString());
      }
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
    if (warm) {
      for (TrackedSignal s : all) {
        act(s, s.evaluate(now), now);
      }
    }
    heap.note(heap.trend() == null && warm ? "waiting for collections that lower the old generation (see "
        + "leaks.gcEvery)" : null);
    status = worst();
    snapshot = render();
  }

  /** The documented fallback for a quiet heap: no floor point for {@code leaks.gcEvery}, so ask for a collection. */
  private void askForGcIfQuiet(long now) {
    long every = options.gcEvery().toNanos();
    if (every > 0 && now - parts.floor().lastPointNanos() >= every && now - lastGcRequest >= every) {
      lastGcRequest = now;
      parts.gc().run();
    }
  }

  private void act(TrackedSignal s, Change change, long now) {
    if (change == Change.SUSPECTED) {
      LOG.info("Leak detector: {} suspected (rising {}/min, R² {})", s.name(), perMinute(s), r2(s));
      alerts.suspected(now);
    } else if (change == Change.LEAKING) {
      alerts.leaking(s, now);
      alertCount = alerts.count();
    }
  }

  /** Runs {@code task} on the detector's thread (at once for a manual detector); dropped once it is closed. */
  private void onThread(Runnable task) {
    if (thread == null) {
      task.run();
      return;
    }
    try {
      thread.execute(task);
    } catch (RejectedExecutionException closed) {
      // closed meanwhile: nobody reads the result any more
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

  static double perMinute(TrackedSignal s) {
    return s.trend() == null ? 0 : Math.round(s.trend().slopePerSecond() * 60 * 100) / 100.0;
  }

  static double r2(TrackedSignal s) {
    return s.trend() == null ? 0 : Math.round(s.trend().r2() * 1000) / 1000.0;
  }

  private JsonObject render() {
    JsonArray signals = new JsonArray();
    for (TrackedSignal s : all) {
      signals.add(s.toJson());
    }
    return new JsonObject().put("status", status.label()).put("signals", signals)
        .put("alerts", alerts.alertsJson()).put("alertCount", alerts.count())
        .put("histogramDiff", alerts.lastDiff()).put("baselineTaken", alerts.baselineTakenAt())
        .put("options", options.toJson());
  }

  /** The detector's status: one volatile read. */
  public LeakState status() {
    return status;
  }

  /** Signals that turned leaking since start. */
  public long alertCount() {
    return alertCount;
  }

  /** What {@code /admin/leaks} answers: the JSON of the last sample (a copy, so callers may add to it). */
  public JsonObject toJson() {
    return snapshot.copy();
  }

  /** {@code bulwark_leak_status} (0 ok, 1 suspected, 2 leaking) and {@code bulwark_leak_alerts_total{signal}}. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark_leak_status", this, d -> d.status.ordinal())
        .description("Leak detector status: 0 ok, 1 suspected, 2 leaking").register(registry);
    alerts.bindTo(registry, all);
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
