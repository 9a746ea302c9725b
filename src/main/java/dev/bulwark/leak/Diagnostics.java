package dev.bulwark.leak;

import dev.bulwark.admin.AdminOptions;
import dev.bulwark.leak.HandleProbes.Probe;
import dev.bulwark.leak.TrackedSignal.Unit;
import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * The leak package as the server sees it: the running {@link LeakDetector} (unless {@code leaks.enabled} is false),
 * the heap dumps, and every diagnostic route of the admin port ({@code /admin/leaks}, {@code /admin/heap/...},
 * {@code /admin/profile}, {@code /admin/threads}), which {@link #mount} adds to the admin router behind its token.
 * The server only wires it.
 */
public final class Diagnostics implements AutoCloseable {

  private final Vertx vertx;
  private final AdminOptions admin;
  private final HeapDumps dumps;
  private final LeakDetector detector;

  private Diagnostics(Vertx vertx, AdminOptions admin, HeapDumps dumps, LeakDetector detector) {
    this.vertx = vertx;
    this.admin = admin;
    this.dumps = dumps;
    this.detector = detector;
  }

  /**
   * Starts the detector on a daemon thread of its own with the JVM's and {@code vertx}'s signals, plus
   * {@code scopedResources} (resources held by request and verticle scopes), and binds its meters.
   */
  public static Diagnostics start(Vertx vertx, LeakOptions leaks, AdminOptions admin, LongSupplier scopedResources,
      MeterRegistry registry) {
    HeapDumps dumps = HeapDumps.create(vertx, Path.of(admin.dumpDir()), admin.maxDumps());
    if (!leaks.enabled()) {
      return new Diagnostics(vertx, admin, dumps, null);
    }
    List<Probe> probes = new ArrayList<>(HandleProbes.of(vertx));
    probes.add(new Probe("scopedResources", Unit.COUNT, scopedResources));
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "bulwark-leak-detector");
      t.setDaemon(true);
      return t;
    });
    LeakDetector.Parts parts = new LeakDetector.Parts(probes, new HeapFloor(System::nanoTime).listen(),
        () -> HistogramBaseline.take(vertx), () -> ClassHistogram.take(vertx), alert -> vertx.eventBus().publish(LeakDetector.ADDRESS, alert),
        dumps::dump, System::gc);
    LeakDetector detector = LeakDetector.start(leaks, parts, thread);
    detector.bindTo(registry);
    return new Diagnostics(vertx, admin, dumps, detector);
  }

  /** Mounts the diagnostic routes on the admin router (behind its token). */
  public void mount(Router router) {
    router.get("/admin/leaks").handler(ctx -> ctx.json(leaksJson()));
    HeapRoutes.mount(router, vertx, admin.maxHistogramRows());
    dumps.mount(router);
    ProfileRoutes.mount(router, vertx, admin.maxProfileSeconds());
  }

  /** {@code GET /admin/leaks}: the detector's last sample, or {@code "status": "off"}. */
  public JsonObject leaksJson() {
    return detector == null ? new JsonObject().put("status", "off").put("signals", new JsonArray())
        .put("alerts", new JsonArray()).put("histogramDiff", new JsonArray()) : detector.toJson();
  }

  /** The {@code leaks} section of {@code /admin/status}: the status and how many alerts. */
  public JsonObject statusJson() {
    if (detector == null) {
      return new JsonObject().put("status", "off");
    }
    JsonObject all = detector.toJson();
    return new JsonObject().put("status", all.getString("status")).put("alertCount", all.getLong("alertCount"));
  }

  @Override
  public void close() {
    if (detector != null) {
      detector.close();
    }
  }
}
