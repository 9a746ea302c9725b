package dev.bulwark.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/** The admin port's routes; the server mounts them behind a {@link BearerTokenHandler}. */
public final class AdminRoutes {

  private AdminRoutes() {
  }

  public static void mount(Router router, AdminStatus status) {
    router.get("/admin/status").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(status.snapshot().encodePrettily()));
  }
}
