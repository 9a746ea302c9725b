package dev.bulwark.leak;

import dev.bulwark.admin.AdminOptions;
import dev.bulwark.admin.AdminStatus;
import dev.bulwark.leak.HandleProbes.Probe;
import dev.bulwark.leak.TrackedSignal.Unit;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The leak package as the server sees it: the running {@link LeakDetector} (unless {@code leaks.enabled} is false),
 * the {@link Doctor} with its event-loop probes, the heap dumps, their status sections ({@code leaks},
 * {@code eventLoop}) and every diagnostic route of the admin port ({@code /admin/leaks}, {@code /admin/doctor},
 * {@code /admin/heap/...}, {@code /admin/profile}, {@code /admin/threads}), which {@link #mount} adds to the admin
 * router behind its token. The server only wires it.
 */
public final class Diagnostics implements AutoCloseable {

  private final Vertx vertx;
  private final AdminOptions admin;
  private final HeapDumps dumps;
  private final LeakDetector detector;
  private final Doctor doctor;
  private final NettyLeaks netty;

  /** The options of the sections it serves. */
  public record Settings(LeakOptions leaks, DoctorOptions doctor, AdminOptions admin) {}

  /** What the server knows that the diagnostics read: scoped resources, memory pressure, allocation per route. */
  public record Sources(LongSupplier scopedResources, Supplier<JsonObject> pressure, Supplier<JsonObject> allocation) {}

  private Diagnostics(Vertx vertx, Settings settings, Sources sources, HeapDumps dumps, LeakDetector detector,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.admin = settings.admin();
    this.dumps = dumps;
    this.detector = detector;
    this.netty = NettyLeaks.install(settings.leaks(), registry);
    this.doctor = Doctor.start(vertx, settings.doctor(),
        new Doctor.Inputs(sources.pressure(), this::leaksJson, sources.allocation()));
    doctor.bindTo(registry);
  }

  /**
   * Starts the detector on a daemon thread of its own with the JVM's and {@code vertx}'s signals, plus the scoped
   * resources, and the doctor; binds their meters. The event-loop probes start with {@link #startProbes()}.
   */
  public static Diagnostics start(Vertx vertx, Settings settings, Sources sources, MeterRegistry registry) {
    // One HeapDumps for the route and the detector, so a dump on a leak and one asked for never run together.
    HeapDumps dumps = HeapDumps.create(vertx, Path.of(settings.admin().dumpDir()), settings.admin().maxDumps());
    LeakDetector detector = settings.leaks().enabled() ? detector(vertx, settings.leaks(), sources, dumps, registry)
        : null;
    try {
      return new Diagnostics(vertx, settings, sources, dumps, detector, registry);
    } catch (RuntimeException e) {
      if (detector != null) {
        detector.close(); // its thread and GC listener would outlive a server that never started
      }
      throw e;
    }
  }

  private static LeakDetector detector(Vertx vertx, LeakOptions leaks, Sources sources, HeapDumps dumps,
      MeterRegistry registry) {
    List<Probe> probes = new ArrayList<>(HandleProbes.of(vertx));
    probes.add(new Probe("scopedResources", Unit.COUNT, sources.scopedResources()));
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-leak-detector");
      t.setDaemon(true);
      return t;
    });
    LeakDetector.Parts parts = new LeakDetector.Parts(probes, new HeapFloor(System::nanoTime).listen(),
        // On the detector's own thread, not a Vert.x worker: a histogram still running when Vert.x closes would answer
        // to an event loop that is gone (a RejectedExecutionException with its stack trace on stderr).
        () -> onThisThread(HistogramBaseline::takeHere), () -> onThisThread(ClassHistogram::takeHere),
        alert -> vertx.eventBus().publish(LeakDetector.ADDRESS, alert), dumps::dump, System::gc);
    LeakDetector detector = LeakDetector.start(leaks, parts, thread);
    detector.bindTo(registry);
    return detector;
  }

  private static <T> Future<T> onThisThread(java.util.function.Supplier<T> work) {
    try {
      return Future.succeededFuture(work.get());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Starts the doctor's event-loop probes: once the server listens (deploying stalls each loop for a moment). */
  public void startProbes() {
    doctor.startProbes();
  }

  /** Registers the {@code leaks} and {@code eventLoop} sections of {@code /admin/status}. */
  public void registerStatus(AdminStatus status) {
    status.section("leaks", this::statusJson).section("eventLoop", doctor::eventLoopJson)
        .section("nettyLeaks", netty::summaryJson);
  }

  /** Mounts the diagnostic routes on the admin router (behind its token). */
  public void mount(Router router) {
    router.get("/admin/leaks").handler(ctx -> ctx.json(leaksJson()));
    DoctorRoutes.mount(router, doctor);
    HeapRoutes.mount(router, vertx, admin.maxHistogramRows());
    dumps.mount(router);
    ProfileRoutes.mount(router, vertx, admin.maxProfileSeconds());
  }

  /** {@code GET /admin/leaks}: the detector's last sample (or {@code "status": "off"}) and Netty's buffer leaks. */
  public JsonObject leaksJson() {
    JsonObject json = detector == null ? new JsonObject().put("status", "off").put("signals", new JsonArray())
        .put("alerts", new JsonArray()).put("histogramDiff", new JsonArray()) : detector.toJson();
    return json.put("netty", netty.toJson());
  }

  /** The {@code leaks} section of {@code /admin/status}: the status and how many alerts. */
  public JsonObject statusJson() {
    if (detector == null) {
      return new JsonObject().put("status", "off");
    }
    return new JsonObject().put("status", detector.status().label()).put("alertCount", detector.alertCount());
  }

  @Override
  public void close() {
    doctor.close();
    netty.close();
    if (detector != null) {
      detector.close();
    }
  }
}
