package dev.bulwark.scope;

import io.vertx.core.Completable;
import io.vertx.core.Closeable;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.internal.ContextInternal;

/** A long-lived scope; every entry point is synchronized, since a verticle's resources may come from any thread. */
final class VerticleScopeImpl extends AbstractScope implements VerticleScope, Closeable {

  private final ScopeOptions options;

  VerticleScopeImpl(Vertx vertx, ScopeOptions options, ScopeCounters counters) {
    super(vertx, counters, counters.sites());
    this.options = options;
  }

  /** A scope released by the calling verticle's undeploy (Vert.x's close hooks), or only by close() elsewhere. */
  static VerticleScopeImpl tiedToCurrentVerticle(Vertx vertx, ScopeOptions options, ScopeCounters counters) {
    VerticleScopeImpl scope = new VerticleScopeImpl(vertx, options, counters);
    if (Vertx.currentContext() instanceof ContextInternal internal && internal.deployment() != null) {
      internal.addCloseHook(scope);
    }
    return scope;
  }

  @Override
  void checkAccess() {
    // Any thread: the synchronized entry points below serialize access.
  }

  @Override
  int held(ResourceKind kind) {
    return size();
  }

  @Override
  int limit(ResourceKind kind) {
    return options.maxVerticleResources();
  }

  @Override
  RuntimeException limitExceeded(ResourceKind kind, int limit) {
    return new IllegalStateException("a verticle scope holds at most " + limit + " resources "
        + "(scope.maxVerticleResources); is a per-request resource being put in a verticle scope?");
  }

  @Override
  void countRelease(ReleaseReason why) {
    counters.recordRelease(why);
  }

  @Override
  boolean longLived() {
    return true;
  }

  @Override
  String owner() {
    return "a verticle scope";
  }

  @Override
  public synchronized long setTimer(long delayMs, Handler<Long> handler) {
    return super.setTimer(delayMs, handler);
  }

  @Override
  public synchronized long setPeriodic(long delayMs, Handler<Long> handler) {
    return super.setPeriodic(delayMs, handler);
  }

  @Override
  public synchronized boolean cancelTimer(long timerId) {
    return super.cancelTimer(timerId);
  }

  @Override
  public synchronized <T> MessageConsumer<T> consumer(String address, Handler<Message<T>> handler) {
    return super.consumer(address, handler);
  }

  @Override
  public synchronized Registration register(Runnable undo) {
    return super.register(undo);
  }

  @Override
  public synchronized Future<AsyncFile> openFile(String path, OpenOptions options) {
    return super.openFile(path, options);
  }

  @Override
  synchronized AsyncFile adoptFile(AsyncFile file) {
    return super.adoptFile(file);
  }

  @Override
  public synchronized <C extends AutoCloseable> C own(C closeable) {
    return super.own(closeable);
  }

  @Override
  public synchronized boolean release(Object owned) {
    return super.release(owned);
  }

  @Override
  synchronized boolean forget(Resource r) {
    return super.forget(r);
  }

  @Override
  public synchronized void close() {
    releaseAll(ReleaseReason.UNDEPLOY);
  }

  /** Undeploy: Vert.x runs the context's close hooks. */
  @Override
  public void close(Completable<Void> completion) {
    close();
    completion.succeed();
  }
}
