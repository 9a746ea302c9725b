package dev.bulwark.server;

import dev.bulwark.scope.RequestScopeHandler;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * The first guard: bounds the requests in progress on one event loop. Past the bound a request is answered 503
 * {@code overloaded} before any of its body is read, so a flood queues nothing in memory. The count is released when
 * the request ends, however it ends (response sent, connection reset, failure). One handler serves one event loop:
 * it counts with plain stores, so it must only ever run there. On a route of its own it adds an end handler per request;
 * as a {@link RequestScopeHandler.Guard} it is released from the scope handler's end hook instead.
 */
public interface AdmissionHandler extends Handler<RoutingContext>, RequestScopeHandler.Guard {

  int DEFAULT_MAX_IN_FLIGHT = HttpOptions.DEFAULT_MAX_IN_FLIGHT;

  /** A handler for one event loop, admitting at most {@code maxInFlight} requests at once. */
  static AdmissionHandler create(int maxInFlight) {
    return new AdmissionHandlerImpl(maxInFlight, () -> { });
  }

  /** As {@link #create(int)}, running {@code onReject} (a counter, say) for each request refused. */
  static AdmissionHandler create(int maxInFlight, Runnable onReject) {
    return new AdmissionHandlerImpl(maxInFlight, onReject);
  }

  /** Requests in progress now. */
  int inFlight();

  /** Requests refused since start. */
  long rejected();
}
