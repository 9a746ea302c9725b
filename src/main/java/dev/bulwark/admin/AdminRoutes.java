package dev.bulwark.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;
import io.vertx.ext.web.Router;

/** The admin port's routes; the server mounts them behind a {@link BearerTokenHandler}. */
public final class AdminRoutes {

  private AdminRoutes() {
  }

  /**
   * Diagnostics are never cached by a browser or a proxy, nor sniffed as something else: the port puts this first,
   * before its token check, so its refusals carry the headers too.
   */
  public static void noStore(Router router) {
    router.route().handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Content-Type-Options", "nosniff");
      ctx.next();
    });
  }

  /** {@code /admin/status} and {@code /admin/health} (the health summary with its figures). */
  public static void mount(Router router, AdminStatus status, Supplier<JsonObject> health) {
    router.get("/admin/status").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(status.snapshot().encodePrettily()));
    router.get("/admin/health").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(health.get().encodePrettily()));
  }
}
