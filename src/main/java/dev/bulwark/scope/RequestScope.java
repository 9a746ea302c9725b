package dev.bulwark.scope;

import io.vertx.ext.web.RoutingContext;

/**
 * The resources and data of one request. Everything it owns is released exactly once, newest first, on whichever comes
 * first: the response ended, the client went away (connection closed or reset), {@code http.requestTimeout} passed
 * before the response started (503 {@code request_timeout}) or a handler failed. A response that has started
 * streaming is not cut by the timeout: the connection's idle timeout guards it. It lives on its request's event loop: use it from there (from
 * other threads, hop back with {@code ctx.vertx().runOnContext}).
 *
 * <pre>{@code
 * RequestScope scope = RequestScope.of(ctx);
 * scope.setPeriodic(10, id -> ticks++);            // cancelled when the request ends, however it ends
 * scope.consumer("prices", msg -> latest = msg.body());
 * }</pre>
 */
public interface RequestScope extends ResourceScope {

  /**
   * The scope of {@code ctx}'s request, made on the first call (a request that never asks has none); fails if no
   * {@link RequestScopeHandler} runs in front of the route. Asked for after the request ended, it is already released.
   */
  static RequestScope of(RoutingContext ctx) {
    RequestScopeEntry entry = RequestScopeEntry.of(ctx);
    if (entry == null) {
      throw new IllegalStateException("no request scope: put a RequestScopeHandler in front of this route");
    }
    return entry.owner.scope(entry, ctx);
  }

  /** Keeps per-request data, dropped with the scope. At most {@code scope.maxAttachments} keys. */
  <T> RequestScope put(String key, T value);

  /** Per-request data put earlier, or null. */
  <T> T get(String key);

  /** Why the scope was released, or null while the request is in progress. */
  ReleaseReason releaseReason();

  /**
   * Runs {@code action} once, on this request's event loop, if the server starts draining for shutdown while the
   * request is in progress (its ports have stopped accepting; what is still open when {@code shutdown.timeout} passes
   * is cut), or soon after this call if it already has. For answers with no natural end in sight (periodic timers,
   * subscriptions, long polls): end now with what you have, as a whole answer. An answer that will end on its own (a
   * download, a slow computation) need not ask: it has until the timeout. Dropped with the scope; at most
   * {@code scope.maxResources} actions per request.
   */
  void onDrain(Runnable action);

  /**
   * Says the request is making progress (a large body still arriving): its {@code http.requestTimeout} starts again
   * from now. Costs a clock read.
   */
  void touch();
}
