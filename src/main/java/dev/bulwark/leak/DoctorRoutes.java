package dev.bulwark.leak;

import dev.bulwark.spi.ApiError;
import io.vertx.ext.web.Router;

/**
 * {@code GET /admin/doctor}: the doctor's verdict, summary and findings, examined on a worker thread (it reads thread
 * and GC management beans). The admin port mounts it behind its token.
 */
public final class DoctorRoutes {

  private DoctorRoutes() {
  }

  public static void mount(Router router, Doctor doctor) {
    router.get("/admin/doctor").handler(ctx -> ctx.vertx().executeBlocking(doctor::examine, false)
        .onSuccess(ctx::json).onFailure(e -> ApiError.fail(ctx, e)));
  }
}
