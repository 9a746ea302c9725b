package dev.bulwark.scope;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.impl.HandlersList;
import io.vertx.ext.web.impl.RoutingContextImpl;
import io.vertx.ext.web.impl.RoutingContextInternal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request followed by a {@link RequestScopeHandlerImpl}: the index of its row in that handler's table, and the one
 * hook that learns how the request ended.
 *
 * <p>Why it is a vertx-web {@link HandlersList}: vertx-web keeps a routing context's end handlers in a list it makes
 * on the first {@code ctx.addEndHandler}, together with three lambdas it sets as the response's end, close and
 * exception handlers (some 170 bytes per request), and a later {@code addEndHandler} by anyone would overwrite a hook
 * set on the response directly. So the entry is put in the routing context's end-handler field before anyone asks:
 * vertx-web then takes it for its list, end handlers added later by anyone go into it, and the entry, as the
 * response's three handlers, runs them as vertx-web would before ending the request for the guards. A request costs
 * this entry and the empty list inside it, 48 bytes. Where the field cannot be reached (another vertx-web) or already
 * holds a list (an end handler was added before the scope handler), the entry is added with {@code addEndHandler}
 * and kept in the context's data instead: as correct, just not as cheap.
 */
final class RequestScopeEntry extends HandlersList<AsyncResult<Void>> implements Handler<Object> {

  private static final Logger LOG = LoggerFactory.getLogger(RequestScopeEntry.class);
  private static final String CONTEXT_KEY = "bulwark.request";
  private static final VarHandle END_HANDLERS = endHandlersField();
  private static final ReleaseReason[] REASONS = ReleaseReason.values();

  final RequestScopeHandlerImpl owner;
  /** The row while the request is in progress; once it has ended, {@code -1 - } the ordinal of its end reason. */
  private int slot;

  private RequestScopeEntry(RequestScopeHandlerImpl owner) {
    this.owner = owner;
  }

  private static VarHandle endHandlersField() {
    try {
      return MethodHandles.privateLookupIn(RoutingContextImpl.class, MethodHandles.lookup())
          .findVarHandle(RoutingContextImpl.class, "endHandlers", HandlersList.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.info("Request tracking adds one end handler per request (vertx-web's end-handler field is out of reach: {})",
          e.toString());
      return null;
    }
  }

  /** True when entries take vertx-web's end-handler field, the cheap way. */
  static boolean inEndHandlerField() {
    return END_HANDLERS != null;
  }

  /**
   * Makes the entry of {@code ctx}'s request for {@code owner}, which then gives it its row; null when the request has
   * one already (it was rerouted, and passes the scope handler again).
   */
  static RequestScopeEntry attach(RoutingContext ctx, RequestScopeHandlerImpl owner) {
    RoutingContext root = root(ctx);
    if (END_HANDLERS != null && root instanceof RoutingContextImpl impl) {
      Object list = END_HANDLERS.get(impl);
      if (list == null) {
        RequestScopeEntry entry = new RequestScopeEntry(owner);
        END_HANDLERS.set(impl, entry);
        Handler<Void> hook = as(entry);
        root.response().endHandler(hook).closeHandler(hook).exceptionHandler(as(entry));
        return entry;
      }
      if (list instanceof RequestScopeEntry) {
        return null;
      }
    }
    if (ctx.get(CONTEXT_KEY) instanceof RequestScopeEntry) {
      return null;
    }
    RequestScopeEntry entry = new RequestScopeEntry(owner);
    ctx.put(CONTEXT_KEY, entry);
    ctx.addEndHandler(as(entry));
    return entry;
  }

  /** The entry of {@code ctx}'s request, or null if no scope handler has seen it. Allocates nothing. */
  static RequestScopeEntry of(RoutingContext ctx) {
    RoutingContext root = root(ctx);
    if (END_HANDLERS != null && root instanceof RoutingContextImpl impl
        && END_HANDLERS.get(impl) instanceof RequestScopeEntry entry) {
      return entry;
    }
    return ctx.get(CONTEXT_KEY) instanceof RequestScopeEntry entry ? entry : null;
  }

  /** A sub-router's context wraps its parent's; the end-handler field is the top one's. */
  private static RoutingContext root(RoutingContext ctx) {
    RoutingContext current = ctx;
    while (current instanceof RoutingContextInternal internal && internal.parent() != null) {
      current = internal.parent();
    }
    return current;
  }

  /** One object for three handler types (response end and close, exception, end handler): a cast, not a lambda each. */
  @SuppressWarnings("unchecked")
  private static <T> Handler<T> as(Handler<?> handler) {
    return (Handler<T>) handler;
  }

  boolean inProgress() {
    return slot >= 0;
  }

  int slot() {
    return slot;
  }

  /** The request's row, given just after the entry is made and before anything can end the request. */
  void inRow(int slot) {
    this.slot = slot;
  }

  /** Why the request ended; only once it has. */
  ReleaseReason endReason() {
    return REASONS[-1 - slot];
  }

  void ended(ReleaseReason why) {
    slot = -1 - why.ordinal();
  }

  /**
   * Every way the request can end arrives here: null from the response's end or close handler, a Throwable from its
   * exception handler, an AsyncResult when vertx-web runs this entry as one of its end handlers (the fallback). A
   * Throwable while the response is still open is not an end: Vert.x reports a request body it could not decode
   * (multipart) this way too, and the route still answers that request; a reset stream or a closed connection is
   * followed by the close event, which ends it (and a response nobody answers still meets the request timeout).
   */
  @Override
  public void handle(Object event) {
    if (slot < 0 || (event instanceof Throwable && !owner.clientGone(slot)) || !owner.beginEnd(slot)) {
      return; // already ended or ending (a request ends once), or not an end
    }
    boolean sent;
    AsyncResult<Void> result = null;
    if (event instanceof AsyncResult<?> ended) {
      sent = ended.succeeded(); // vertx-web's list runs us after the handlers added later, as it always did
    } else if (event instanceof Throwable cause) {
      sent = false;
      result = Future.failedFuture(cause);
    } else {
      sent = !owner.clientGone(slot);
      result = sent ? Future.succeededFuture() : Future.failedFuture("Connection closed");
    }
    finish(sent, result);
  }

  /** The response broke off where Vert.x reports no end (see {@link RequestScopeHandler#cut}); once, as any end. */
  void cut() {
    if (slot >= 0 && owner.beginEnd(slot)) {
      finish(false, Future.failedFuture("Connection closed"));
    }
  }

  private void finish(boolean sent, AsyncResult<Void> result) {
    try {
      if (result != null) {
        invokeInReverseOrder(result); // the end handlers added by anyone, newest first, as vertx-web would
      }
    } finally {
      owner.end(this, sent);
    }
  }
}
