package dev.bulwark.scope;

import dev.bulwark.pool.Lease;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.AsyncFile;

/** One owned resource: what it is, how to undo it, and (when sampled) where it was made. */
final class Resource implements Registration {

  final AbstractScope scope;
  final ResourceKind kind;
  final Object target;
  final String site;
  long timerId;
  boolean released;

  Resource(AbstractScope scope, ResourceKind kind, Object target, String site) {
    this.scope = scope;
    this.kind = kind;
    this.target = target;
    this.site = site;
  }

  @Override
  public void release() {
    scope.releaseEarly(this);
  }

  @Override
  public boolean released() {
    return released;
  }

  /** A one-shot timer fired: it is no longer live; the user's handler runs unless the scope released it first. */
  @SuppressWarnings("unchecked")
  void fired(long id) {
    if (scope.forget(this)) {
      ((Handler<Long>) target).handle(id);
    }
  }

  /** Undoes the resource; a future for undo actions that complete later, else null. */
  Future<?> undo() throws Exception {
    switch (kind) {
      case TIMER:
        scope.vertx.cancelTimer(timerId);
        return null;
      case CONSUMER:
        return ((MessageConsumer<?>) target).unregister();
      case LISTENER:
        ((Runnable) target).run();
        return null;
      case FILE:
        return ((AsyncFile) target).close();
      case LEASE:
        ((Lease<?>) target).release();
        return null;
      default:
        ((AutoCloseable) target).close();
        return null;
    }
  }
}
