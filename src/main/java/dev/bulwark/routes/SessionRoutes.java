package dev.bulwark.routes;

import dev.bulwark.session.Sessions;
import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /session} (a visit counter) and {@code PUT/GET/DELETE /session/data/{key}} (values as bytes). Only these
 * routes carry a session: the rest of the server never pays for one. Every answer, errors included, is
 * {@code no-store}: it belongs to one client.
 */
final class SessionRoutes implements RouteModule {

  private static final int MAX_KEY_LENGTH = 64;
  private static final String OCTETS = "application/octet-stream";
  private static final String NO_STORE = "no-store";
  private static final ApiError NOT_FOUND = new ApiError(404, "not_found", "No value under this key in the session.");

  private final Sessions sessions;

  SessionRoutes(Sessions sessions) {
    this.sessions = sessions;
  }

  @Override
  public String name() {
    return "session";
  }

  @Override
  public void mount(Router router, Context context) {
    router.route("/session*").handler(ctx -> {
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
      ctx.next();
    });
    // The id is the cookie's secret: it never appears in a body, where a script could read it.
    router.get("/session").handler(ctx -> sessions.visit(ctx)
        .onSuccess(visits -> ctx.json(new JsonObject().put("visits", visits)))
        .onFailure(e -> ApiError.fail(ctx, e)));
    router.put("/session/data/:key").handler(ctx -> sessions.put(ctx, keyOf(ctx), context.bodies())
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ApiError.fail(ctx, e)));
    router.get("/session/data/:key").handler(ctx -> sessions.get(ctx, keyOf(ctx)).onComplete(ar -> {
      if (ar.failed() || ar.result() == null) {
        ApiError.fail(ctx, ar.failed() ? ar.cause() : NOT_FOUND);
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, OCTETS) // nosniff: on every main-port response
          .end(ar.result());
    }));
    router.delete("/session/data/:key").handler(ctx -> sessions.delete(ctx, keyOf(ctx))
        .onSuccess(v -> ctx.response().setStatusCode(204).end())
        .onFailure(e -> ApiError.fail(ctx, e)));
  }

  private static String keyOf(RoutingContext ctx) {
    // From the raw path: vertx-web's decoding maps every malformed byte to U+FFFD, merging different keys.
    String key = PathKeys.lastSegment(ctx.request().path());
    if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH
        || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ApiError(400, "bad_key", "A session key is 1 to " + MAX_KEY_LENGTH + " characters of valid UTF-8, "
          + "without control characters.");
    }
    return key;
  }
}
