package dev.bulwark.metrics;

import io.vertx.ext.web.Route;

/**
 * The {@code route} label of a request: its route's template ({@code /cache/:name/:key}) or, for a regex route, its
 * name; never the raw path, so clients cannot mint labels and their number is bounded by the routes mounted. A request
 * no routed path matched (a 404, or one refused by a guard on the catch-all) is {@link #NONE}.
 */
public final class RouteLabel {

  public static final String NONE = "none";

  private RouteLabel() {
  }

  /** The label of {@code route} (as {@code ctx.currentRoute()} gives it), or null when it is not a routed path. */
  public static String of(Route route) {
    if (route == null || (route.getPath() == null && !route.isRegexPath())) {
      return null;
    }
    return route.getPath() != null ? route.getPath() : route.getName();
  }
}
