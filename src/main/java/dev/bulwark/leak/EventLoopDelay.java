package dev.bulwark.leak;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * How late each Vert.x event loop runs a task: a probe scheduled on every loop of the Netty group (so it sees what
 * every verticle on that loop makes the others wait for), re-run {@code doctor.probeInterval} after each run ends,
 * records {@code now - planned} into that loop's {@link DelayWindow}. A probe reads the clock twice and makes two
 * stores; it allocates nothing and takes no lock. Read as the worst loop's p99 and maximum over the window, in
 * {@code /admin/status} {@code eventLoop}, {@code bulwark_event_loop_delay_seconds{stat}} and the doctor.
 */
final class EventLoopDelay implements AutoCloseable {

  /** One loop's probe; its fields are only touched on that loop, except the name, published once. */
  static final class Probe implements Runnable {

    final DelayWindow window;
    private final LongSupplier nanoClock;
    private final long intervalNanos;
    private long planned;
    private volatile String thread;

    Probe(DelayWindow window, LongSupplier nanoClock, long intervalNanos) {
      this.window = window;
      this.nanoClock = nanoClock;
      this.intervalNanos = intervalNanos;
      this.planned = nanoClock.getAsLong() + intervalNanos;
    }

    @Override
    public void run() {
      window.record(nanoClock.getAsLong() - planned);
      if (thread == null) {
        thread = Thread.currentThread().getName();
      }
      planned = nanoClock.getAsLong() + intervalNanos;
    }

    /** The loop's thread name once the probe has run there, else {@code loop-<index>}. */
    String name(int index) {
      String t = thread;
      return t == null ? "loop-" + index : t;
    }
  }

  /** The worst loop's figures: the highest p99 (and whose it is) and the highest maximum. */
  record Worst(String loop, long p99Nanos, long maxNanos, int probes) {
  }

  private static final String GAUGE_HELP =
      "How late the worst event loop ran a task over doctor.window (stat: p99, max)";

  private final List<EventExecutor> loops;
  private final Probe[] probes;
  private final long intervalNanos;
  private final List<ScheduledFuture<?>> scheduled = new ArrayList<>();

  /** One probe per loop of {@code loops}, not scheduled yet; tests pass a count of none and run probes by hand. */
  EventLoopDelay(List<EventExecutor> loops, int count, int windowProbes, long intervalNanos, LongSupplier nanoClock) {
    this.loops = loops;
    this.intervalNanos = intervalNanos;
    this.probes = new Probe[count];
    for (int i = 0; i < count; i++) {
      probes[i] = new Probe(new DelayWindow(windowProbes), nanoClock, intervalNanos);
    }
  }

  /** A probe for every event loop of {@code vertx}, to be {@linkplain #schedule() scheduled}. */
  static EventLoopDelay of(Vertx vertx, DoctorOptions options) {
    List<EventExecutor> loops = new ArrayList<>();
    ((VertxInternal) vertx).nettyEventLoopGroup().forEach(loops::add);
    return new EventLoopDelay(loops, loops.size(), options.probesPerWindow(), options.probeInterval().toNanos(),
        System::nanoTime);
  }

  /** Schedules each probe on its loop, the first run one interval from now. */
  synchronized void schedule() {
    if (!scheduled.isEmpty()) {
      return;
    }
    for (int i = 0; i < loops.size(); i++) {
      probes[i].planned = probes[i].nanoClock.getAsLong() + intervalNanos;
      scheduled.add(loops.get(i).scheduleWithFixedDelay(probes[i], intervalNanos, intervalNanos,
          TimeUnit.NANOSECONDS));
    }
  }

  Probe probe(int loop) {
    return probes[loop];
  }

  int loops() {
    return probes.length;
  }

  /** The loop with the highest p99 (ties: the first), with the highest maximum of any loop. */
  Worst worst() {
    Worst worst = new Worst("none", 0, 0, 0);
    long max = 0;
    for (int i = 0; i < probes.length; i++) {
      DelayWindow.Summary s = probes[i].window.summary();
      max = Math.max(max, s.maxNanos());
      if (i == 0 || s.p99Nanos() > worst.p99Nanos()) {
        worst = new Worst(probes[i].name(i), s.p99Nanos(), 0, s.probes());
      }
    }
    return new Worst(worst.loop(), worst.p99Nanos(), max, worst.probes());
  }

  /** The {@code eventLoop} status section: the worst figures, then each loop's. */
  JsonObject toJson() {
    JsonArray each = new JsonArray();
    for (int i = 0; i < probes.length; i++) {
      DelayWindow.Summary s = probes[i].window.summary();
      each.add(new JsonObject().put("thread", probes[i].name(i)).put("probes", s.probes())
          .put("delayP99Ms", millis(s.p99Nanos())).put("delayMaxMs", millis(s.maxNanos())));
    }
    Worst worst = worst();
    return new JsonObject().put("count", probes.length).put("delayP99Ms", millis(worst.p99Nanos()))
        .put("delayMaxMs", millis(worst.maxNanos())).put("probeIntervalMs", millis(intervalNanos)).put("loops", each);
  }

  void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.event.loop.delay", this, d -> d.worst().p99Nanos() / 1e9).tag("stat", "p99")
        .baseUnit("seconds").description(GAUGE_HELP)
        .register(registry);
    Gauge.builder("bulwark.event.loop.delay", this, d -> d.worst().maxNanos() / 1e9).tag("stat", "max")
        .baseUnit("seconds").description(GAUGE_HELP)
        .register(registry);
  }

  /** Stops the probes; their windows keep what they hold. */
  @Override
  public synchronized void close() {
    scheduled.forEach(f -> f.cancel(false));
  }

  /** Nanoseconds as milliseconds, to the microsecond. */
  static double millis(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }
}
