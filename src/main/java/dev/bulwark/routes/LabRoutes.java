package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code /lab/*}, mounted only when {@code lab.enabled}: a real leak ({@code GET /lab/leak/bytes?kb=N} keeps N KiB per
 * call), a body reader ({@code POST /lab/echo}) for floods of large bodies, and {@code POST /lab/reset}.
 */
final class LabRoutes implements RouteModule {

  private final LabLeak leak;
  private final LabOptions lab;

  LabRoutes(LabLeak leak, LabOptions lab) {
    this.leak = leak;
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
        throw new ApiError(503, "overloaded", "The lab leak holds its maximum (lab.maxLeakBytes); POST /lab/reset.");
      }
      ctx.json(new JsonObject().put("heldKb", leak.bytes() / 1024));
    });
    router.post("/lab/echo").handler(ctx -> context.bodies().read(ctx)
        .onSuccess(body -> ctx.json(new JsonObject().put("bytes", body.length())))
        .onFailure(e -> ApiError.fail(ctx, e)));
    router.post("/lab/reset").handler(ctx -> ctx.json(new JsonObject().put("releasedBytes", leak.reset())));
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
