package dev.bulwark.metrics;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

final class RequestMetricsHandlerImpl implements RequestMetricsHandler {

  // Method labels are bounded: anything outside the standard set is "OTHER", so clients cannot mint labels.
  private static final List<HttpMethod> METHODS = List.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.POST,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.OPTIONS, HttpMethod.TRACE, HttpMethod.CONNECT);
  private static final String OTHER = "OTHER";
  private static final String CLOSED = "closed";

  private final RequestCells cells;
  private final int loop;
  // Confined to this handler's event loop.
  private final Map<Route, RouteSeries> byRoute = new IdentityHashMap<>();
  private final RouteSeries unrouted;

  RequestMetricsHandlerImpl(RequestMeters meters) {
    this.cells = meters.cells;
    this.loop = meters.nextLoop();
    this.unrouted = new RouteSeries(RouteLabel.NONE);
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    ctx.addEndHandler(ar -> exit(ctx, start, ar.succeeded()));
    ctx.next();
  }

  @Override
  public boolean enter(RoutingContext ctx) {
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    long elapsed = System.nanoTime() - startNanos;
    int status = sent ? ctx.response().getStatusCode() : 0;
    seriesFor(ctx.currentRoute()).series(methodIndex(ctx.request().method()), status).record(loop, elapsed);
  }

  private RouteSeries seriesFor(Route route) {
    RouteSeries series = byRoute.get(route);
    if (series == null) {
      String label = RouteLabel.of(route);
      if (label == null) {
        return unrouted;
      }
      series = new RouteSeries(label);
      byRoute.put(route, series);
    }
    return series;
  }

  private static int methodIndex(HttpMethod method) {
    for (int i = 0; i < METHODS.size(); i++) {
      if (METHODS.get(i) == method) {
        return i;
      }
    }
    return METHODS.size();
  }

  /** The series of one route, found by a short linear scan over (method, status) keys: a route sees few of them. */
  private final class RouteSeries {
    private final String route;
    private int[] keys = new int[4];
    private RequestCells.Series[] series = new RequestCells.Series[4];
    private int size;

    RouteSeries(String route) {
      this.route = route;
    }

    RequestCells.Series series(int method, int status) {
      int key = method * 1000 + status;
      for (int i = 0; i < size; i++) {
        if (keys[i] == key) {
          return series[i];
        }
      }
      RequestCells.Series found = cells.series(method < METHODS.size() ? METHODS.get(method).name() : OTHER, route,
          status == 0 ? CLOSED : Integer.toString(status));
      if (size == keys.length) {
        keys = Arrays.copyOf(keys, size * 2);
        series = Arrays.copyOf(series, size * 2);
      }
      keys[size] = key;
      series[size++] = found;
      return found;
    }
  }
}
