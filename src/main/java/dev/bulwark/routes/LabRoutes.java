package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code /lab/*}, mounted only when {@code lab.enabled}: the article's leaks, real ones, to show the guards and the
 * leak detector at work: {@code GET /lab/leak/bytes?kb=N} keeps N KiB per call, {@code GET /lab/leak/cache?key=&value=}
 * puts into an unbounded global map, {@code GET /lab/leak/timer} starts a periodic timer nobody cancels,
 * {@code GET /lab/leak/listener} adds a listener nobody removes; a body reader ({@code POST /lab/echo}) for floods of
 * large bodies; {@code POST /lab/reset} gives everything back. Each leak is bounded by its {@code lab.*} limit.
 */
final class LabRoutes implements RouteModule {

  private static final ApiError FULL_BYTES = new ApiError(503, "overloaded",
      "The lab leak holds its maximum (lab.maxLeakBytes); POST /lab/reset.");
  private static final ApiError FULL_HANDLES = new ApiError(503, "overloaded",
      "The lab holds its maximum of timers and listeners (lab.maxLeakHandles); POST /lab/reset.");

  private final LabLeak leak;
  private final LabHandles handles;
  private final LabOptions lab;

  LabRoutes(LabLeak leak, LabHandles handles, LabOptions lab) {
    this.leak = leak;
    this.handles = handles;
    this.lab = lab;
  }

  @Override
  public String name() {
    return "lab";
  }

  @Override
  public void mount(Router router, Context context) {
    context.critical("/lab/reset"); // the lab's way to give memory back must work when memory is short
    router.get("/lab/leak/bytes").handler(ctx -> {
      int kb = kbOf(ctx.queryParams().get("kb"), lab.maxKb());
      if (!leak.keep(kb * 1024)) {
        throw FULL_BYTES;
      }
      ctx.json(new JsonObject().put("heldKb", leak.bytes() / 1024));
    });
    router.get("/lab/leak/cache").handler(ctx -> {
      String key = ctx.queryParams().get("key");
      String value = ctx.queryParams().get("value");
      if (key == null || key.isEmpty() || value == null || key.length() + value.length() > lab.maxKb() * 1024) {
        throw new ApiError(400, "bad_parameter", "key (not empty) and value are required, together at most "
            + lab.maxKb() + " KiB (lab.maxKb).");
      }
      if (!leak.put(key, value)) {
        throw FULL_BYTES;
      }
      ctx.json(new JsonObject().put("entries", leak.entries()));
    });
    router.get("/lab/leak/timer").handler(ctx -> {
      if (!handles.leakTimer(context.vertx())) {
        throw FULL_HANDLES;
      }
      ctx.json(new JsonObject().put("timers", handles.timers()));
    });
    router.get("/lab/leak/listener").handler(ctx -> {
      if (!handles.leakListener(context.vertx())) {
        throw FULL_HANDLES;
      }
      ctx.json(new JsonObject().put("listeners", handles.listeners()));
    });
    router.post("/lab/echo").handler(ctx -> context.bodies().read(ctx)
        .onSuccess(body -> ctx.json(new JsonObject().put("bytes", body.length())))
        .onFailure(e -> ApiError.fail(ctx, e)));
    router.post("/lab/reset").handler(ctx -> ctx.json(new JsonObject().put("releasedBytes", leak.reset())
        .put("releasedHandles", handles.reset(context.vertx()))));
  }

  private static int kbOf(String raw, int max) {
    if (raw != null && !raw.isEmpty() && raw.length() <= 9 && raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int kb = Integer.parseInt(raw);
      if (kb >= 1 && kb <= max) {
        return kb;
      }
    }
    throw new ApiError(400, "bad_parameter", "kb must be an integer from 1 to " + max + ".");
  }
}
