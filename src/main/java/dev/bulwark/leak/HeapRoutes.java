package dev.bulwark.leak;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The heap routes of the admin port, which mounts them behind its token: {@code GET /admin/heap/histogram?top=N}
 * (live objects by class, biggest first), {@code POST /admin/heap/baseline} and {@code GET /admin/heap/diff?top=N}
 * (growth since the baseline, biggest first). Each histogram runs a full GC on a worker thread, never on an event
 * loop; one at a time (409 {@code histogram_in_progress} meanwhile), since each one stops the world.
 */
public final class HeapRoutes {

  private static final ApiError NO_BASELINE = new ApiError(409, "no_baseline",
      "No baseline yet: POST /admin/heap/baseline first.");
  private static final ApiError BUSY = new ApiError(409, "histogram_in_progress",
      "A class histogram is being taken; retry when it is done.");

  private final Vertx vertx;
  private final int maxRows;
  private final AtomicReference<HistogramBaseline> baseline = new AtomicReference<>();
  private final AtomicBoolean taking = new AtomicBoolean();

  private HeapRoutes(Vertx vertx, int maxRows) {
    this.vertx = vertx;
    this.maxRows = maxRows;
  }

  /** Mounts the routes on the admin router; {@code maxRows} is {@code admin.maxHistogramRows}. */
  public static void mount(Router router, Vertx vertx, int maxRows) {
    HeapRoutes routes = new HeapRoutes(vertx, maxRows);
    router.get("/admin/heap/histogram").handler(ctx -> routes.histogram(ctx));
    router.post("/admin/heap/baseline").handler(ctx -> routes.baseline(ctx));
    router.get("/admin/heap/diff").handler(ctx -> routes.diff(ctx));
  }

  private void histogram(RoutingContext ctx) {
    int top = top(ctx);
    take().onSuccess(h -> ctx.json(h.toJson(top))).onFailure(e -> ApiError.fail(ctx, e));
  }

  private void baseline(RoutingContext ctx) {
    if (!taking.compareAndSet(false, true)) {
      throw BUSY;
    }
    HistogramBaseline.take(vertx)
        .compose(h -> vertx.executeBlocking(() -> { // parsed on a worker: thousands of lines
          baseline.set(h);
          return h.totals();
        }, false))
        .onComplete(ar -> taking.set(false))
        .onSuccess(totals -> {
          ctx.response().setStatusCode(201);
          ctx.json(totals);
        }).onFailure(e -> ApiError.fail(ctx, e));
  }

  private void diff(RoutingContext ctx) {
    int top = top(ctx);
    HistogramBaseline since = baseline.get();
    if (since == null) {
      throw NO_BASELINE;
    }
    take().compose(h -> vertx.executeBlocking(() -> since.diff(h).toJson(top), false)) // parsed on a worker
        .onSuccess(ctx::json).onFailure(e -> ApiError.fail(ctx, e));
  }

  private Future<ClassHistogram> take() {
    if (!taking.compareAndSet(false, true)) {
      return Future.failedFuture(BUSY);
    }
    return ClassHistogram.take(vertx).onComplete(ar -> taking.set(false));
  }

  /** {@code ?top=N}, 1 to {@code admin.maxHistogramRows}; 50 (or the cap, if lower) when absent. */
  private int top(RoutingContext ctx) {
    String raw = ctx.request().getParam("top");
    if (raw == null) {
      return Math.min(50, maxRows);
    }
    try {
      int top = Integer.parseInt(raw);
      if (top >= 1 && top <= maxRows) {
        return top;
      }
    } catch (NumberFormatException notANumber) {
      // answered below
    }
    throw new ApiError(400, "bad_parameter", "top must be an integer from 1 to " + maxRows
        + " (admin.maxHistogramRows).");
  }
}
