package dev.bulwark.routes;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.health.Health;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/** {@code /health/live}, {@code /health/ready} and {@code /health}: critical routes, never shed. */
final class HealthRoutes implements RouteModule {

  private static final String UP = new JsonObject().put("status", "UP").encode();

  private final Health health;
  private final String retryAfterSeconds;

  HealthRoutes(Health health, long retryAfterSeconds) {
    this.health = health;
    this.retryAfterSeconds = Long.toString(retryAfterSeconds);
  }

  @Override
  public String name() {
    return "health";
  }

  @Override
  public void mount(Router router, Context context) {
    context.critical("/health");
    router.get("/health/live").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(UP));
    router.get("/health/ready").handler(ctx -> {
      JsonArray reasons = health.notReadyReasons();
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
      if (reasons.isEmpty()) {
        ctx.response().end(UP);
      } else {
        ctx.response().setStatusCode(503).putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
            .end(new JsonObject().put("status", "DOWN").put("reasons", reasons).encode());
      }
    });
    router.get("/health").handler(ctx -> ctx.json(health.publicSummary())); // figures: admin /admin/health
  }
}
