package dev.bulwark.scope;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;

/**
 * Follows every request from this handler to its end (response sent, client close or reset, failure or
 * {@code http.requestTimeout}) and gives it a {@link RequestScope} when, and only if, the request asks for one
 * ({@link RequestScope#of}); a request that asks for nothing costs one small object. Timeouts cost no timer per
 * request: the requests of one event loop are checked by a single tick (a tenth of the timeout, 5 to 500 ms) that runs
 * only while requests are in progress, so a request times out between the timeout and the timeout plus one tick. A
 * response that has started is not cut (the idle timeout guards it); {@link RequestScope#touch()} restarts the
 * timeout of a request whose body is still arriving. Other guards can ride along as {@link Guard}s, so that a whole
 * chain shares one end hook per request. One handler serves one event loop; made with a {@link DrainSignal}, it also
 * carries the server's shutdown to the requests in progress there.
 */
public interface RequestScopeHandler extends Handler<RoutingContext> {

  Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  static RequestScopeHandler create(Vertx vertx, ScopeOptions options, ScopeCounters counters, Duration timeout) {
    return create(vertx, options, counters, timeout, List.of());
  }

  /**
   * As {@link #create(Vertx, ScopeOptions, ScopeCounters, Duration)}, running {@code guards} in this order as a request
   * enters and in reverse order, exactly once, when it ends.
   */
  static RequestScopeHandler create(Vertx vertx, ScopeOptions options, ScopeCounters counters, Duration timeout,
      List<? extends Guard> guards) {
    return create(vertx, options, counters, timeout, guards, null);
  }

  /**
   * As {@link #create(Vertx, ScopeOptions, ScopeCounters, Duration, List)}, following {@code drain} as well (when not
   * null): made on an event loop's context, the handler hears each step of the server's shutdown there.
   */
  static RequestScopeHandler create(Vertx vertx, ScopeOptions options, ScopeCounters counters, Duration timeout,
      List<? extends Guard> guards, DrainSignal drain) {
    RequestScopeHandlerImpl handler = new RequestScopeHandlerImpl(vertx, options, counters, timeout, guards,
        System::nanoTime);
    io.vertx.core.Context context = Vertx.currentContext();
    if (drain != null && context != null && context.isEventLoopContext()) {
      drain.subscribe(context, handler);
    }
    return handler;
  }

  /**
   * Ends the request of {@code ctx} as cut (its response was not sent whole) where Vert.x reports no end: a
   * {@code sendFile} over HTTP/1.x counts as ended once the file is handed to the connection, and when the send then
   * fails (the client hung up midway) neither the response's end nor its close handler runs (Vert.x 5.0.7; see
   * eclipse-vertx/vert.x#4302). Without this the request would stay in progress for good, holding its admission slot.
   * Call it on the request's event loop; it does nothing when the request has ended or no scope handler follows it.
   */
  static void cut(RoutingContext ctx) {
    RequestScopeEntry entry = RequestScopeEntry.of(ctx);
    if (entry != null) {
      entry.cut();
    }
  }

  /** Request scopes of this event loop made and not yet released. */
  int open();

  /**
   * A guard that runs inside a {@link RequestScopeHandler} rather than as a route handler of its own: it learns of a
   * request's end from the scope handler's one hook instead of adding an end handler (and a lambda) per request.
   */
  interface Guard {

    /** The request arrives: true lets it on; false means the guard has answered it ({@code ctx.fail}). */
    boolean enter(RoutingContext ctx);

    /**
     * A request this guard let on has ended, once, however it ended: {@code sent} is false when the client went away
     * before the response was sent. {@code startNanos} is {@link System#nanoTime()} as the request arrived.
     */
    void exit(RoutingContext ctx, long startNanos, boolean sent);
  }
}
