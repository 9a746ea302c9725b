package dev.bulwark.admin;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.Bodies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Logger levels at run time, for the admin port (which mounts these behind its token): {@code GET /admin/loggers}
 * (loggers whose level is set), {@code GET /admin/loggers/{name}} and {@code POST /admin/loggers/{name}} with
 * {@code {"level":"DEBUG"}} ({@code null} or {@code ""}: inherit again). {@code ROOT} names the root logger. A level
 * set here lasts until it is set again or the process ends.
 */
public final class LoggerRoutes {

  /** A level body is a few bytes; this bounds what is read of one. */
  static final int MAX_BODY_BYTES = 1024;
  private static final ApiError BAD_BODY = new ApiError(400, "bad_level",
      "The body must be a JSON object such as {\"level\":\"DEBUG\"}, or {\"level\":null} to inherit.");

  private LoggerRoutes() {
  }

  /** Mounts the routes; names are held to {@code admin.maxLoggerNameLength}, bodies read through {@code bodies}. */
  public static void mount(Router router, AdminOptions admin, Bodies bodies) {
    LoggerLevels levels = LoggerLevels.ofProcess(admin.maxLoggerNameLength());
    router.get("/admin/loggers").handler(ctx -> ctx.json(levels.configured()));
    router.get("/admin/loggers/:name").handler(ctx -> ctx.json(levels.describe(ctx.pathParam("name"))));
    router.post("/admin/loggers/:name").handler(ctx -> {
      String name = ctx.pathParam("name");
      levels.describe(name); // a bad or unknown name is refused before the body is read
      bodies.read(ctx, MAX_BODY_BYTES)
          .map(body -> levels.set(name, level(body)))
          .onSuccess(ctx::json)
          .onFailure(e -> ApiError.fail(ctx, e));
    });
  }

  private static String level(Buffer body) {
    JsonObject json;
    try {
      json = body.length() == 0 ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      throw BAD_BODY;
    }
    if (json == null || !json.containsKey("level") || !(json.getValue("level") == null
        || json.getValue("level") instanceof String)) {
      throw BAD_BODY;
    }
    return json.getString("level");
  }
}
