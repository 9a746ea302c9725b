package dev.bulwark.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.vertx.core.json.JsonObject;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the memory signals on its own thread, every {@code memory.sampleInterval} and after every GC, and keeps the
 * current {@link PressureLevel} in a volatile field: reading it costs a request one volatile load, and nothing is
 * computed per request. Level changes are logged once, counted and told to {@link PressureListener}s. While above
 * NORMAL with no GC for {@code memory.gcProbeInterval}, it asks for a GC, since only a collection can show that memory
 * was given back.
 */
public final class MemoryMonitor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryMonitor.class);

  private final MemoryOptions options;
  private final SignalSource source;
  private final LongSupplier nanoClock;
  private final PressureEvaluator evaluator;
  private final List<PressureListener> listeners = new CopyOnWriteArrayList<>();
  private final LongAdder[] entered = {new LongAdder(), new LongAdder(), new LongAdder()};
  private final LongAdder[][] shed = new LongAdder[PressureLevel.values().length][ShedReason.values().length];
  private final ScheduledExecutorService thread;
  /** A sample after a GC is queued and has not started: GCs meanwhile add nothing, their effect is read by it. */
  private final AtomicBoolean gcSamplePending = new AtomicBoolean();
  private GcNotifications gcNotifications;
  private volatile PressureLevel level = PressureLevel.NORMAL;
  private volatile MemorySignals signals;
  private volatile Instant since = Instant.now();
  private volatile long lastGcNanos;

  /** Why a request was refused for memory's sake. */
  public enum ShedReason {
    PRESSURE, INFLIGHT_BYTES, CONCURRENCY;

    public String label() {
      return name().toLowerCase();
    }
  }

  /** Samples on {@code thread}, or only when {@link #sample()} is called if it is null. */
  MemoryMonitor(MemoryOptions options, SignalSource source, LongSupplier nanoClock, ScheduledExecutorService thread) {
    this.options = options;
    this.source = source;
    this.nanoClock = nanoClock;
    this.evaluator = new PressureEvaluator(options);
    this.lastGcNanos = nanoClock.getAsLong();
    for (LongAdder[] row : shed) {
      for (int i = 0; i < row.length; i++) {
        row[i] = new LongAdder();
      }
    }
    this.signals = source.read();
    this.thread = thread;
  }

  /** A monitor on the JVM's own signals, sampling on its own daemon thread until closed. */
  public static MemoryMonitor start(MemoryOptions options) {
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-memory-monitor");
      t.setDaemon(true);
      return t;
    });
    MemoryMonitor monitor = new MemoryMonitor(options, new JvmSignals(options.injectFile()), System::nanoTime, thread);
    monitor.gcNotifications = GcNotifications.listen(monitor::onGc);
    long every = options.sampleInterval().toMillis();
    monitor.thread.scheduleWithFixedDelay(monitor::sampleSafely, every, every, TimeUnit.MILLISECONDS);
    return monitor;
  }

  /** A monitor for tests and drills: nothing runs until {@link #sample()} is called. */
  public static MemoryMonitor manual(MemoryOptions options, SignalSource source, LongSupplier nanoClock) {
    return new MemoryMonitor(options, source, nanoClock, null);
  }

  /** The current level: one volatile read. */
  public PressureLevel level() {
    return level;
  }

  public MemorySignals signals() {
    return signals;
  }

  public void addListener(PressureListener listener) {
    listeners.add(listener);
  }

  public void recordShed(ShedReason reason) {
    shed[level.ordinal()][reason.ordinal()].increment();
  }

  public long shedCount(PressureLevel at, ShedReason reason) {
    return shed[at.ordinal()][reason.ordinal()].sum();
  }

  /** Times the level was entered. */
  public long entered(PressureLevel l) {
    return entered[l.ordinal()].sum();
  }

  private void onGc(GarbageCollectionNotificationInfo info) {
    long after = 0;
    for (Map.Entry<String, MemoryUsage> e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
      if (GcNotifications.isHeapPool(e.getKey())) {
        after += e.getValue().getUsed();
      }
    }
    gcDone(after);
  }

  /**
   * A GC left {@code heapAfterGc} bytes of heap in use: sample soon. A burst of GCs (hundreds a second under
   * allocation pressure) queues at most one sample, never one each: the sample reads the signals as the last GC left
   * them.
   */
  void gcDone(long heapAfterGc) {
    source.afterGc(heapAfterGc);
    lastGcNanos = nanoClock.getAsLong();
    if (thread != null && !thread.isShutdown() && gcSamplePending.compareAndSet(false, true)) {
      thread.execute(() -> {
        gcSamplePending.set(false); // first: a GC during this sample queues the next one
        sampleSafely();
      });
    }
  }

  private void sampleSafely() {
    try {
      sample();
    } catch (RuntimeException e) {
      LOG.warn("Memory sampling failed: {}", e.toString());
    }
  }

  /** Reads the signals and updates the level; on the monitor's thread (or the test's, for a manual monitor). */
  public void sample() {
    MemorySignals read = source.read();
    signals = read;
    long now = nanoClock.getAsLong();
    PressureLevel before = level;
    PressureLevel after = evaluator.evaluate(read, now);
    if (after != before) {
      level = after;
      since = Instant.now();
      entered[after.ordinal()].increment();
      LOG.warn("Memory pressure {} -> {} (heap after GC {}%, direct {}%, rss of limit {}%{})", before, after,
          pct(read.heapFraction()), pct(read.directFraction()), pct(read.rssFraction()),
          Double.isNaN(read.injected()) ? "" : ", injected by " + options.injectFile());
      for (PressureListener listener : listeners) {
        try {
          listener.onPressure(after, read);
        } catch (RuntimeException e) {
          LOG.warn("Pressure listener {} failed: {}", listener, e.toString());
        }
      }
    }
    probeGc(now);
  }

  private void probeGc(long now) {
    long probe = options.gcProbeInterval().toNanos();
    if (thread != null && probe > 0 && level != PressureLevel.NORMAL && now - lastGcNanos >= probe) {
      lastGcNanos = now;
      System.gc(); // only a collection can show that memory was given back; rate-limited by gcProbeInterval
    }
  }

  private static long pct(double f) {
    return Math.round(f * 100);
  }

  /** The {@code memory} section of {@code /admin/status}: the JVM's figures now, with RSS and the limits. */
  public JsonObject memoryJson() {
    MemorySignals now = signals;
    return MemorySnapshot.take().toJson().put("rss", now.rss()).put("containerLimit", now.containerLimit())
        .put("directMax", now.directMax());
  }

  /** The {@code pressure} section of {@code /admin/status}. */
  public JsonObject toJson() {
    JsonObject shedJson = new JsonObject();
    JsonObject enteredJson = new JsonObject();
    for (PressureLevel l : PressureLevel.values()) {
      JsonObject byReason = new JsonObject();
      for (ShedReason r : ShedReason.values()) {
        byReason.put(r.label(), shedCount(l, r));
      }
      shedJson.put(l.name().toLowerCase(), byReason);
      enteredJson.put(l.name().toLowerCase(), entered(l));
    }
    long shedTotal = 0;
    for (PressureLevel l : PressureLevel.values()) {
      for (ShedReason r : ShedReason.values()) {
        shedTotal += shedCount(l, r);
      }
    }
    return new JsonObject().put("level", level.name()).put("since", since.toString()).put("shedCount", shedTotal)
        .put("shed", shedJson).put("entered", enteredJson).put("signals", signals.toJson());
  }

  @Override
  public void close() {
    if (gcNotifications != null) { // a manual monitor never listened
      gcNotifications.close();
    }
    if (thread != null) {
      thread.shutdownNow();
    }
  }
}
