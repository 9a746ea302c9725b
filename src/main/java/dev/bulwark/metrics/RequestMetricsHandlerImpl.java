package dev.bulwark.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

final class RequestMetricsHandlerImpl implements RequestMetricsHandler {

  // Method labels are bounded: anything outside the standard set is "OTHER", so clients cannot mint labels.
  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT);
  private static final String OTHER = "OTHER";
  private static final String CLOSED = "closed";
  private static final String NO_ROUTE = "none";

  private final MeterRegistry registry;
  private final Map<Route, RouteMeters> byRoute = new IdentityHashMap<>();
  private final RouteMeters unrouted;

  RequestMetricsHandlerImpl(MeterRegistry registry) {
    this.registry = registry;
    this.unrouted = new RouteMeters(NO_ROUTE);
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> record(ctx, start, ar.succeeded()));
    ctx.next();
  }

  private void record(RoutingContext ctx, long start, boolean ended) {
    long elapsed = System.nanoTime() - start;
    int status = ended ? ctx.response().getStatusCode() : 0;
    int method = methodIndex(ctx.request().method());
    metersFor(ctx.currentRoute()).timer(method, status).record(elapsed, TimeUnit.NANOSECONDS);
  }

  private RouteMeters metersFor(Route route) {
    if (route == null || (route.getPath() == null && !route.isRegexPath())) {
      return unrouted;
    }
    RouteMeters meters = byRoute.get(route);
    if (meters == null) {
      meters = new RouteMeters(route.getPath() != null ? route.getPath() : route.getName());
      byRoute.put(route, meters);
    }
    return meters;
  }

  private static int methodIndex(HttpMethod method) {
    for (int i = 0; i < METHODS.size(); i++) {
      if (METHODS.get(i) == method) {
        return i;
      }
    }
    return METHODS.size();
  }

  /** The timers of one route, found by a short linear scan over (method, status) keys: a route sees few of them. */
  private final class RouteMeters {
    private final String route;
    private int[] keys = new int[4];
    private Timer[] timers = new Timer[4];
    private int size;

    RouteMeters(String route) {
      this.route = route;
    }

    Timer timer(int method, int status) {
      int key = method * 1000 + status;
      for (int i = 0; i < size; i++) {
        if (keys[i] == key) {
          return timers[i];
        }
      }
      Timer timer = Timer.builder(METER_NAME)
          .tag("method", method < METHODS.size() ? METHODS.get(method).name() : OTHER)
          .tag("route", route)
          .tag("status", status == 0 ? CLOSED : Integer.toString(status))
          .register(registry);
      if (size == keys.length) {
        keys = java.util.Arrays.copyOf(keys, size * 2);
        timers = java.util.Arrays.copyOf(timers, size * 2);
      }
      keys[size] = key;
      timers[size++] = timer;
      return timer;
    }
  }
}
