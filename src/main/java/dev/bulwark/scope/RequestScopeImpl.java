package dev.bulwark.scope;

import dev.bulwark.spi.ApiError;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's scope, made the first time the request asks for it ({@link RequestScope#of}); its request's
 * {@link RequestScopeHandlerImpl} releases it when the request ends or times out.
 */
final class RequestScopeImpl extends AbstractScope implements RequestScope {

  private static final Logger LOG = LoggerFactory.getLogger(RequestScope.class);

  private final RequestScopeHandlerImpl owner;
  private final RequestScopeEntry entry;
  private final RoutingContext ctx;
  private final Thread thread;
  private Map<String, Object> attachments;
  private List<Runnable> drainActions;

  RequestScopeImpl(RequestScopeHandlerImpl owner, RequestScopeEntry entry, RoutingContext ctx) {
    super(owner.vertx, owner.counters, owner.counters.sites());
    this.owner = owner;
    this.entry = entry;
    this.ctx = ctx;
    this.thread = Thread.currentThread();
  }

  @Override
  public void touch() {
    checkAccess();
    owner.restart(entry);
  }

  @Override
  public void onDrain(Runnable action) {
    checkAccess();
    if (released()) {
      throw new ScopeClosedException("cannot wait for the drain in " + owner() + ": the request is over");
    }
    if (drainActions == null) {
      drainActions = new ArrayList<>(1);
    }
    if (drainActions.size() >= owner.options.maxResources()) {
      counters.limitBreached();
      throw overLimit("drain actions", "maxResources", owner.options.maxResources());
    }
    drainActions.add(action);
    if (owner.draining()) {
      vertx.getOrCreateContext().runOnContext(v -> drained()); // after the caller's handler, as a signal would
    }
  }

  /** The server drains: each action runs once, unless the request has ended; one failing keeps none from running. */
  void drained() {
    List<Runnable> actions = drainActions;
    drainActions = null;
    if (actions == null || released()) {
      return;
    }
    for (Runnable action : actions) {
      try {
        action.run();
      } catch (RuntimeException e) {
        LOG.warn("A drain action of {} failed: {}", owner(), e.toString());
      }
    }
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
    drainActions = null;
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
