package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.session.SessionOptions;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.Locale;

/**
 * {@code GET /session} (a visit counter) and {@code PUT /session/data/{key}}. Only these routes carry a session: the
 * rest of the server never pays for one.
 */
final class SessionRoutes implements RouteModule {

  private static final String VISITS = "visits";
  private static final String DATA_PREFIX = "data.";
  private static final String NO_STORE = "no-store";

  private final SessionStore store;
  private final SessionOptions options;

  SessionRoutes(SessionStore store, SessionOptions options) {
    this.store = store;
    this.options = options;
  }

  @Override
  public String name() {
    return "session";
  }

  @Override
  public void mount(Router router, Context context) {
    SessionHandler sessions = SessionHandler.create(store)
        .setSessionCookieName(options.cookieName())
        .setCookieHttpOnlyFlag(true)
        .setCookieSecureFlag(options.cookieSecure())
        .setCookieSameSite(CookieSameSite.valueOf(options.sameSite().toUpperCase(Locale.ROOT)))
        .setSessionTimeout(options.timeout().toMillis())
        .setNagHttps(false);
    router.route("/session*").handler(sessions);
    router.get("/session").handler(ctx -> {
      Session session = ctx.session();
      int visits = session.get(VISITS) == null ? 1 : (int) session.get(VISITS) + 1;
      session.put(VISITS, visits);
      // The id is the cookie's secret: it never appears in a body, where a script could read it.
      ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
      ctx.json(new JsonObject().put("visits", visits));
    });
    ApiError tooLarge = new ApiError(413, "value_too_large", "A session value may be at most "
        + options.maxValueSize() + " bytes (sessions.maxValueSize).");
    router.put("/session/data/:key").handler(ctx -> put(ctx, context, tooLarge));
  }

  private void put(RoutingContext ctx, Context context, ApiError tooLarge) {
    String key = PathKeys.lastSegment(ctx.request().path());
    if (key == null || key.isEmpty() || key.length() > 64 || key.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ApiError(400, "bad_key", "A session key is 1 to 64 characters of valid UTF-8, without control "
          + "characters.");
    }
    Session session = ctx.session();
    if (session.get(DATA_PREFIX + key) == null
        && session.data().keySet().stream().filter(k -> k.startsWith(DATA_PREFIX)).count() >= options.maxKeys()) {
      throw new ApiError(413, "value_too_large", "A session holds at most " + options.maxKeys()
          + " keys (sessions.maxKeys).");
    }
    context.bodies().read(ctx, options.maxValueSize(), tooLarge)
        .onSuccess(body -> {
          session.put(DATA_PREFIX + key, body.toString());
          ctx.response().setStatusCode(204).putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE).end();
        })
        .onFailure(e -> ApiError.fail(ctx, e));
  }
}
