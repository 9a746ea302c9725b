package dev.bulwark.metrics;

import dev.bulwark.scope.RequestScopeHandler;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Records {@code http_server_requests_seconds} (a histogram, buckets from {@code metrics.latencyBuckets}) per method,
 * route template and status class, and {@code http_server_responses_total} per exact status, when a request ends,
 * however it ends ({@code status="closed"} when the client went away first). Route labels are templates such as
 * {@code /cache/:name/:key}, never raw paths; requests no route matched are labelled {@code none}. Each event loop
 * counts into its own cells with plain stores, and the meter sums the cells when scraped, so the hot path has no
 * contended atomics. Create one {@link RequestMeters} per server and one handler per event loop. On a route of its own
 * it adds an end handler per request; as a {@link RequestScopeHandler.Guard} it records from the scope handler's end
 * hook instead, with nothing made per request.
 */
public interface RequestMetricsHandler extends Handler<RoutingContext>, RequestScopeHandler.Guard {

  static RequestMetricsHandler create(RequestMeters meters) {
    return new RequestMetricsHandlerImpl(meters);
  }

  /** The meters of one server: shared by its event loops' handlers. */
  final class RequestMeters {
    final RequestCells cells;
    private final int eventLoops;
    private final java.util.concurrent.atomic.AtomicInteger handed = new java.util.concurrent.atomic.AtomicInteger();

    public RequestMeters(Metrics metrics, int eventLoops) {
      this.cells = new RequestCells(eventLoops, metrics.options().latencyBuckets(), metrics.tagValueCap());
      this.eventLoops = eventLoops;
      metrics.register(cells);
    }

    /** The slot of the next event loop's handler; one per event loop. */
    int nextLoop() {
      int loop = handed.getAndIncrement();
      if (loop >= eventLoops) {
        throw new IllegalStateException("more request-metrics handlers than the " + eventLoops + " event loops");
      }
      return loop;
    }
  }
}
