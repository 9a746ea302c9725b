package dev.bulwark.routes;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.memory.PressureLevel;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * {@code GET /critical/data}: a route that is never shed and degrades instead: the full answer normally, a minimal
 * one while memory pressure is CRITICAL, so it keeps answering when it matters most.
 */
final class CriticalRoutes implements RouteModule {

  private static final int ITEMS = 16;
  private static final String MINIMAL = new JsonObject().put("status", "minimal").encode();

  @Override
  public String name() {
    return "critical";
  }

  @Override
  public void mount(Router router, Context context) {
    context.critical("/critical");
    router.get("/critical/data").handler(ctx -> {
      if (PressureLevel.of(ctx) == PressureLevel.CRITICAL) {
        ctx.response().putHeader("Content-Type", "application/json").end(MINIMAL);
        return;
      }
      JsonArray items = new JsonArray();
      for (int i = 0; i < ITEMS; i++) {
        items.add(new JsonObject().put("id", i).put("name", "item-" + i));
      }
      ctx.json(new JsonObject().put("status", "full").put("data", new JsonObject().put("items", items)));
    });
  }
}
