package dev.bulwark.leak;

import dev.bulwark.leak.Finding.Severity;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The clinic doctor for this JVM ({@code GET /admin/doctor}): it judges the recent past ({@code doctor.window}) by six
 * checks, each a finding with its evidence and one line of advice, and gives the worst as the verdict: event-loop
 * delay (its own probe on every loop), blocked-thread warnings (Vert.x's checker, plus deadlocked threads), the GC time
 * share, the heap trend and handle growth (the leak detector's signals) and memory pressure. {@link #examine()} reads
 * thread and GC beans: call it on a worker.
 */
public final class Doctor implements AutoCloseable {

  /** What the server hands in, each read when the doctor examines. */
  public record Inputs(Supplier<JsonObject> pressure, Supplier<JsonObject> leaks, Supplier<JsonObject> allocation) {

    /** What {@code /admin/leaks} says while there is no leak detector: nothing. */
    public static JsonObject noLeakSignals() {
      return new JsonObject().put("status", "ok").put("signals", new JsonArray()).put("alerts", new JsonArray());
    }

    /** What the allocation sampler says while there is none: no route. */
    public static JsonObject noAllocationSamples() {
      return new JsonObject().put("routes", new JsonArray());
    }
  }

  /** Heaviest allocating routes shown with the GC and heap findings. */
  static final int HEAVIEST_ROUTES = 3;

  private final DoctorOptions options;
  private final EventLoopDelay loops;
  private final BlockedThreadWarnings blocked;
  private final GcShare gc;
  private final Inputs inputs;
  private final Supplier<List<String>> deadlocked;
  private final Runnable probe;
  private final Runnable stop;

  Doctor(DoctorOptions options, EventLoopDelay loops, BlockedThreadWarnings blocked, GcShare gc, Inputs inputs,
      Supplier<List<String>> deadlocked, Runnable probe, Runnable stop) {
    this.options = options;
    this.loops = loops;
    this.blocked = blocked;
    this.gc = gc;
    this.inputs = inputs;
    this.deadlocked = deadlocked;
    this.probe = probe;
    this.stop = stop;
  }

  /**
   * Takes the blocked-thread warnings of {@code vertx} and reads the GC beans on a worker ten times a window; the
   * event-loop probes wait for {@link #startProbes()}. {@link #close()} stops all three.
   */
  public static Doctor start(Vertx vertx, DoctorOptions options, Inputs inputs) {
    EventLoopDelay loops = EventLoopDelay.of(vertx, options);
    BlockedThreadWarnings blocked = BlockedThreadWarnings.install(vertx);
    GcShare gc = new GcShare(System::nanoTime, GcShare.collectors());
    long every = Math.max(1, options.window().toMillis() / GcShare.SLOTS);
    long timer = vertx.setPeriodic(every, id -> vertx.executeBlocking(() -> {
      gc.sample();
      return null;
    }, false));
    return new Doctor(options, loops, blocked, gc, inputs, Doctor::deadlockedThreads, loops::schedule, () -> {
      vertx.cancelTimer(timer);
      loops.close();
      BlockedThreadWarnings.uninstall(vertx);
    });
  }

  /**
   * Schedules the delay probe on every event loop. Called once the server has started: deploying the verticles keeps
   * each loop busy for some 100 ms (class loading), which would otherwise be the first minute's verdict.
   */
  public void startProbes() {
    probe.run();
  }

  /** The verdict, a one-line summary and every finding; reads management beans, so not on an event loop. */
  public JsonObject examine() {
    JsonArray heaviest = heaviestRoutes(read(inputs.allocation()));
    JsonObject leaks = read(inputs.leaks());
    List<Finding> findings = List.of(
        Checks.loopDelay(loops.worst(), loops.loops(), options),
        Checks.blocked(blocked.within(options.window().toNanos()), blocked.eventLoopWarnings(),
            blocked.workerWarnings(), deadlocked.get()),
        Checks.gcShare(gc.share(), options, heaviest),
        Checks.heapTrend(leaks, heaviest),
        Checks.handleGrowth(leaks),
        Checks.pressure(read(inputs.pressure())));
    Severity verdict = Severity.OK;
    List<String> attention = new ArrayList<>();
    JsonArray all = new JsonArray();
    for (Finding f : findings) {
      verdict = verdict.atLeast(f.status());
      if (f.status() != Severity.OK) {
        attention.add(f.check() + " (" + f.status().label + ")");
      }
      all.add(f.toJson());
    }
    String summary = attention.isEmpty() ? "All " + findings.size() + " checks ok."
        : attention.size() + " of " + findings.size() + " checks " + (attention.size() == 1 ? "needs" : "need")
            + " attention: " + String.join(", ", attention) + ".";
    return new JsonObject().put("verdict", verdict.label).put("summary", summary)
        .put("windowSeconds", options.window().toMillis() / 1000.0).put("findings", all);
  }

  /** The {@code eventLoop} status section: loop count, the worst loop's delay p99 and maximum, each loop's. */
  public JsonObject eventLoopJson() {
    return loops.toJson().put("blockedWarnings", blocked.eventLoopWarnings());
  }

  /** {@code bulwark_event_loop_delay_seconds{stat}} and {@code bulwark_blocked_thread_warnings_total{thread}}. */
  public void bindTo(MeterRegistry registry) {
    loops.bindTo(registry);
    blocked.bindTo(registry);
  }

  /** Stops the probes and the GC readings, and gives the blocked-thread checker its own handler back. */
  @Override
  public void close() {
    stop.run();
  }

  /** An input's answer, or what went wrong with it as the evidence: one broken input spoils one finding only. */
  private static JsonObject read(Supplier<JsonObject> input) {
    try {
      JsonObject json = input.get();
      return json == null ? new JsonObject().put("unavailable", "no answer") : json;
    } catch (RuntimeException e) {
      return new JsonObject().put("unavailable", e.toString());
    }
  }

  /** The heaviest routes of the allocation sampler, heaviest first. */
  static JsonArray heaviestRoutes(JsonObject allocation) {
    List<JsonObject> routes = new ArrayList<>();
    for (Object o : allocation.getJsonArray("routes", new JsonArray())) {
      if (o instanceof JsonObject route) {
        routes.add(route);
      }
    }
    routes.sort(Comparator.comparingDouble((JsonObject r) -> r.getDouble("bytesPerRequest", 0.0)).reversed());
    return new JsonArray(new ArrayList<>(routes.subList(0, Math.min(HEAVIEST_ROUTES, routes.size()))));
  }

  private static List<String> deadlockedThreads() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] ids = threads.findDeadlockedThreads();
    List<String> names = new ArrayList<>();
    if (ids != null) {
      for (ThreadInfo info : threads.getThreadInfo(ids)) {
        if (info != null) {
          names.add(info.getThreadName());
        }
      }
    }
    return names;
  }
}
