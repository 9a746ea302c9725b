package dev.bulwark.admin;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The dashboard on the admin port. Its page and assets ({@code GET /admin/}, {@code /admin/dashboard.js},
 * {@code /admin/dashboard.css}, {@code /admin/favicon.svg}) hold no data and are the only answers given without the token: the page asks for the
 * token and sends it with each of its requests. They carry a Content-Security-Policy that lets the page load only its
 * own script and style and talk only to its own origin. {@code GET /admin/timeseries} (token required) answers the
 * {@link DashboardSeries}.
 */
public final class DashboardRoutes {

  /** Only this origin's script, style and requests; no inline script or style, no frames, no forms posted away. */
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
      + "img-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
  private static final String RESOURCES = "dashboard/";
  private static final ApiError BAD_SINCE = new ApiError(400, "bad_since",
      "since must be a time in milliseconds since the epoch, as a sample's t.");

  private record Asset(String contentType, Buffer body) {}

  private final Map<String, Asset> assets;

  private DashboardRoutes(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /** Reads the page's files from the classpath: blocking, so once, off the event loop, before the admin port opens. */
  public static DashboardRoutes load() throws IOException {
    Map<String, Asset> assets = new LinkedHashMap<>();
    assets.put("/admin/", read("index.html", "text/html; charset=utf-8"));
    assets.put("/admin/dashboard.js", read("dashboard.js", "text/javascript; charset=utf-8"));
    assets.put("/admin/dashboard.css", read("dashboard.css", "text/css; charset=utf-8"));
    assets.put("/admin/favicon.svg", read("favicon.svg", "image/svg+xml"));
    return new DashboardRoutes(assets);
  }

  private static Asset read(String name, String contentType) throws IOException {
    try (InputStream in = DashboardRoutes.class.getClassLoader().getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IOException("the dashboard's " + RESOURCES + name + " is missing from the classpath");
      }
      return new Asset(contentType, Buffer.buffer(in.readAllBytes()));
    }
  }

  /**
   * The page and its assets, each on its exact path: mount before the token check (after the no-store headers). No
   * other path is answered here, so everything else still needs the token.
   */
  public void mountPage(Router router) {
    assets.forEach((path, asset) -> router.get(path).handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
        .putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("X-Frame-Options", "DENY")
        .end(asset.body())));
  }

  /**
   * {@code GET /admin/timeseries[?since=t]} (behind the token) and the timer that samples {@code series}, on the
   * caller's context (the admin verticle's event loop); returns the timer's id, for the verticle to cancel on stop.
   */
  public static long mountSeries(Vertx vertx, Router router, DashboardSeries series) {
    router.get("/admin/timeseries").handler(ctx -> {
      String since = ctx.request().getParam("since");
      long after;
      try {
        after = since == null ? Long.MIN_VALUE : Long.parseLong(since);
      } catch (NumberFormatException e) {
        ctx.fail(BAD_SINCE);
        return;
      }
      ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(series.toBuffer(after));
    });
    series.sample(System.currentTimeMillis());
    return vertx.setPeriodic(series.intervalMs(), id -> series.sample(System.currentTimeMillis()));
  }
}
