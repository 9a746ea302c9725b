package dev.bulwark.scope;

import dev.bulwark.spi.ApiError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.HashMap;
import java.util.Map;

/**
 * One request's scope. It is also its own end handler and its own node in its event loop's deadline list, so a
 * request that owns nothing costs one small object.
 */
final class RequestScopeImpl extends AbstractScope implements RequestScope, Handler<AsyncResult<Void>> {

  private static final ApiError TIMED_OUT =
      new ApiError(503, "request_timeout", "The request was not answered in time; its resources were released.");

  private final RequestScopeHandlerImpl owner;
  private final RoutingContext ctx;
  private final Thread thread;
  long deadline;
  RequestScopeImpl prev;
  RequestScopeImpl next;
  private Map<String, Object> attachments;

  RequestScopeImpl(RequestScopeHandlerImpl owner, RoutingContext ctx, long deadline) {
    super(owner.vertx, owner.counters, owner.counters.sites());
    this.owner = owner;
    this.ctx = ctx;
    this.deadline = deadline;
    this.thread = Thread.currentThread();
  }

  /** The request ended: the response was sent (succeeded) or the connection went first (failed). */
  @Override
  public void handle(AsyncResult<Void> ended) {
    owner.unlink(this);
    boolean failed = ctx.failure() != null || ctx.statusCode() >= 500;
    releaseAll(failed ? ReleaseReason.FAILURE : ended.succeeded() ? ReleaseReason.END : ReleaseReason.CLIENT_CLOSE);
  }

  /**
   * The deadline passed. A response already streaming (a long download, a large JSON array) is left to finish: the
   * connection's idle timeout guards it from here, and its scope is released when it ends. Otherwise the scope is
   * released first, then the request is answered 503.
   */
  void deadlinePassed() {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      return;
    }
    releaseAll(ReleaseReason.TIMEOUT);
    ctx.fail(TIMED_OUT);
  }

  @Override
  public void touch() {
    checkAccess();
    owner.restart(this);
  }

  @Override
  void checkAccess() {
    if (Thread.currentThread() != thread) {
      throw new IllegalStateException("a RequestScope is used from its request's event loop only ("
          + thread.getName() + "), not from " + Thread.currentThread().getName());
    }
  }

  @Override
  int limit(ResourceKind kind) {
    switch (kind) {
      case TIMER: return owner.options.maxTimers();
      case CONSUMER: return owner.options.maxConsumers();
      default: return owner.options.maxResources();
    }
  }

  @Override
  RuntimeException limitExceeded(ResourceKind kind, int limit) {
    return overLimit(kind.plural(), limitKey(kind), limit);
  }

  /** Fails the request with 500 {@code scope_limit} after releasing everything; returns the error to throw. */
  private ApiError overLimit(String what, String key, int limit) {
    ApiError error = new ApiError(500, "scope_limit", "This request tried to hold more than " + limit + " " + what
        + " at once (scope." + key + "); everything it held was released.");
    owner.unlink(this);
    releaseAll(ReleaseReason.FAILURE);
    if (!ctx.response().headWritten() && !ctx.response().closed()) {
      ctx.fail(error);
    }
    return error;
  }

  private static String limitKey(ResourceKind kind) {
    switch (kind) {
      case TIMER: return "maxTimers";
      case CONSUMER: return "maxConsumers";
      default: return "maxResources";
    }
  }

  @Override
  void countRelease(ReleaseReason why) {
    owner.loopCounters.released(why);
  }

  @Override
  boolean longLived() {
    return false;
  }

  @Override
  String owner() {
    return ctx.request().method() + " " + ctx.request().path();
  }

  @Override
  void afterRelease() {
    attachments = null;
  }

  @Override
  public <T> RequestScope put(String key, T value) {
    checkAccess();
    if (released()) {
      throw new ScopeClosedException("cannot attach " + key + " to " + owner() + ": the request is over");
    }
    if (attachments == null) {
      attachments = new HashMap<>();
    }
    if (!attachments.containsKey(key) && attachments.size() >= owner.options.maxAttachments()) {
      counters.limitBreached();
      throw overLimit("attachments", "maxAttachments", owner.options.maxAttachments());
    }
    attachments.put(key, value);
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> T get(String key) {
    return attachments == null ? null : (T) attachments.get(key);
  }
}
