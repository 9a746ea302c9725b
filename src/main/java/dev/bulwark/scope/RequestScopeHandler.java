package dev.bulwark.scope;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Gives every request a {@link RequestScope} and ends it on response end, client close, failure or
 * {@code http.requestTimeout}. Timeouts cost no timer and no clock read per request: scopes of one event loop share
 * one deadline order, checked by a single tick (a tenth of the timeout, 5 to 500 ms) that runs only while requests
 * are open, so a request times out between the timeout and the timeout plus two ticks. A response that has started
 * is not cut (the idle timeout guards it); {@link RequestScope#touch()} restarts the timeout of a request whose body
 * is still arriving. One handler serves one event loop.
 */
public interface RequestScopeHandler extends Handler<RoutingContext> {

  /** Where the scope sits in the routing context's data. */
  String CONTEXT_KEY = "bulwark.scope";

  Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  static RequestScopeHandler create(Vertx vertx, ScopeOptions options, ScopeCounters counters, Duration timeout) {
    return new RequestScopeHandlerImpl(vertx, options, counters, timeout, System::nanoTime);
  }

  /** Request scopes of this event loop not yet ended. */
  int open();
}
