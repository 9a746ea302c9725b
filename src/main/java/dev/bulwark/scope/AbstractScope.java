package dev.bulwark.scope;

import dev.bulwark.pool.ConnectionPool;
import dev.bulwark.pool.Lease;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import java.util.Arrays;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ownership engine shared by request and verticle scopes: a small array of live resources, per-kind limits, and
 * release in reverse order, exactly once. Subclasses say who may call them, what a limit breach does and what to
 * drop besides resources.
 */
abstract class AbstractScope implements ResourceScope {

  private static final Logger LOG = LoggerFactory.getLogger(ResourceScope.class);
  private static final int INITIAL_CAPACITY = 4;
  private static final String ALREADY_CLOSED = "File handle is closed";

  final Vertx vertx;
  final ScopeCounters counters;
  final SiteTracker sites;
  private Resource[] resources;
  private int size;
  private final int[] liveByKind = new int[ResourceKind.values().length];
  private ReleaseReason reason;

  AbstractScope(Vertx vertx, ScopeCounters counters, SiteTracker sites) {
    this.vertx = vertx;
    this.counters = counters;
    this.sites = sites;
  }

  /** Throws unless the caller may use this scope (thread confinement for request scopes). */
  abstract void checkAccess();

  /** The most live resources of {@code kind} this scope may hold. */
  abstract int limit(ResourceKind kind);

  /** Called when a limit would be exceeded; returns what to throw to the caller. */
  abstract RuntimeException limitExceeded(ResourceKind kind, int limit);

  /** True for verticle scopes, whose resources are counted apart from requests'. */
  abstract boolean longLived();

  /** Who owns this scope, for log lines: {@code GET /demo/timer}. */
  abstract String owner();

  /** Counts one release of this scope. */
  abstract void countRelease(ReleaseReason why);

  /** Drops whatever the subclass holds besides resources; runs once, after the resources are released. */
  void afterRelease() {
  }

  @Override
  public long setTimer(long delayMs, Handler<Long> handler) {
    Resource r = admit(ResourceKind.TIMER, handler, "a timer");
    r.timerId = vertx.setTimer(delayMs, r::fired);
    return r.timerId;
  }

  @Override
  public long setPeriodic(long delayMs, Handler<Long> handler) {
    Resource r = admit(ResourceKind.TIMER, handler, "a periodic timer");
    r.timerId = vertx.setPeriodic(delayMs, handler);
    return r.timerId;
  }

  @Override
  public boolean cancelTimer(long timerId) {
    return releaseNewest(r -> r.kind == ResourceKind.TIMER && r.timerId == timerId);
  }

  @Override
  public <T> MessageConsumer<T> consumer(String address, Handler<Message<T>> handler) {
    checkAccess();
    MessageConsumer<T> consumer = vertx.eventBus().consumer(address, handler);
    admit(ResourceKind.CONSUMER, consumer, "an event-bus consumer", consumer::unregister);
    return consumer;
  }

  @Override
  public Registration register(Runnable undo) {
    return admit(ResourceKind.LISTENER, undo, "a registration", undo);
  }

  @Override
  public Future<AsyncFile> openFile(String path, OpenOptions options) {
    checkAccess();
    if (reason != null) {
      return Future.failedFuture(lateAcquisition("a file"));
    }
    return vertx.fileSystem().open(path, options).map(this::adoptFile);
  }

  /** Owns a file that has just opened; if the scope ended meanwhile, the file is closed at once. */
  AsyncFile adoptFile(AsyncFile file) {
    admit(ResourceKind.FILE, file, "a file", file::close);
    return file;
  }

  @Override
  public <C extends AutoCloseable> C own(C closeable) {
    admit(ResourceKind.CLOSEABLE, closeable, "a closeable", () -> {
      try {
        closeable.close();
      } catch (Exception e) {
        LOG.warn("Closing a late closeable of {} failed: {}", owner(), e.toString());
      }
    });
    return closeable;
  }

  @Override
  public <C> Future<Lease<C>> lease(ConnectionPool<C> pool) {
    checkAccess();
    if (reason != null) {
      return Future.failedFuture(lateAcquisition("a connection lease"));
    }
    // The pool answers on this scope's context, so the lease is adopted (or, past the end, given back) from here.
    return pool.acquire().map(this::adoptLease);
  }

  private <C> Lease<C> adoptLease(Lease<C> lease) {
    return new ScopedLease<>(lease, admit(ResourceKind.LEASE, lease, "a connection lease", lease::release));
  }

  @Override
  public boolean released() {
    return reason != null;
  }

  /** The reason the scope was released, or null while it is open. */
  public ReleaseReason releaseReason() {
    return reason;
  }

  private Resource admit(ResourceKind kind, Object target, String what) {
    return admit(kind, target, what, null);
  }

  /** Checks access, state and limits, then records the resource; {@code undoNow} runs if the scope has ended. */
  private Resource admit(ResourceKind kind, Object target, String what, Runnable undoNow) {
    checkAccess();
    if (reason != null) {
      if (undoNow != null) {
        undoNow.run();
      }
      throw lateAcquisition(what);
    }
    int limit = limit(kind);
    if (held(kind) >= limit) {
      if (undoNow != null) {
        undoNow.run();
      }
      counters.limitBreached();
      throw limitExceeded(kind, limit);
    }
    Resource r = new Resource(this, kind, target, sites.capture());
    if (resources == null) {
      resources = new Resource[INITIAL_CAPACITY];
    } else if (size == resources.length) {
      resources = Arrays.copyOf(resources, size * 2);
    }
    resources[size++] = r;
    liveByKind[kind.ordinal()]++;
    counters.recordOutstanding(kind, 1, longLived());
    return r;
  }

  private ScopeClosedException lateAcquisition(String what) {
    counters.lateAcquisition();
    return new ScopeClosedException("cannot take " + what + " for " + owner() + ": its scope was already released ("
        + reason.label() + "); nothing was kept");
  }

  @Override
  public boolean release(Object owned) {
    return releaseNewest(r -> r.target == owned && (r.kind == ResourceKind.FILE || r.kind == ResourceKind.CLOSEABLE));
  }

  /** Releases now the newest live resource that {@code match} picks; false when none does. */
  private boolean releaseNewest(Predicate<Resource> match) {
    checkAccess();
    for (int i = size - 1; i >= 0; i--) {
      if (match.test(resources[i])) {
        releaseEarly(resources[i]);
        return true;
      }
    }
    return false;
  }

  /** Forgets a resource that is no longer live on its own (a fired timer). False if it was already released. */
  boolean forget(Resource r) {
    if (r.released) {
      return false;
    }
    r.released = true;
    remove(r);
    return true;
  }

  /**
   * Releases one resource now, at its owner's request ({@link Registration#release()}), from where the scope may be
   * used: a request scope's release from another thread is refused as any other call from there is.
   */
  void releaseEarly(Resource r) {
    checkAccess();
    if (forget(r)) {
      undo(r);
    }
  }

  private void remove(Resource r) {
    for (int i = size - 1; i >= 0; i--) {
      if (resources[i] == r) {
        System.arraycopy(resources, i + 1, resources, i, size - i - 1);
        resources[--size] = null;
        break;
      }
    }
    liveByKind[r.kind.ordinal()]--;
    counters.recordOutstanding(r.kind, -1, longLived());
  }

  /**
   * Marks a scope that was made after its owner had already ended: it holds nothing, so there is nothing to release or
   * count; it only refuses what it is asked for, as any released scope does.
   */
  final void madeAfterRelease(ReleaseReason why) {
    reason = why;
  }

  /** Releases every live resource, newest first, exactly once; later calls do nothing. */
  final void releaseAll(ReleaseReason why) {
    if (reason != null) {
      return;
    }
    reason = why;
    for (int i = size - 1; i >= 0; i--) {
      Resource r = resources[i];
      resources[i] = null;
      r.released = true;
      liveByKind[r.kind.ordinal()]--;
      counters.recordOutstanding(r.kind, -1, longLived());
      if (r.site != null && !longLived()) {
        // Only a request's leftovers are leaks-in-waiting; a module's resources are meant to live until undeploy.
        sites.releasedByScope(r.site, r.kind, why);
      }
      undo(r);
    }
    size = 0;
    countRelease(why);
    afterRelease();
  }

  private void undo(Resource r) {
    try {
      Future<?> pending = r.undo();
      if (pending != null) {
        pending.onFailure(e -> releaseFailed(r, e));
      }
    } catch (IllegalStateException e) {
      if (!ALREADY_CLOSED.equals(e.getMessage())) {
        releaseFailed(r, e);
      }
    } catch (Throwable t) {
      releaseFailed(r, t);
    }
  }

  private void releaseFailed(Resource r, Throwable t) {
    counters.releaseFailed();
    LOG.warn("Releasing a {} of {} failed (the others were released): {}", r.kind.name().toLowerCase(), owner(),
        t.toString());
  }

  /**
   * What counts against the limit for {@code kind}: timers and consumers each have their own; listeners, files,
   * closeables and leases share one ({@code scope.maxResources}).
   */
  int held(ResourceKind kind) {
    if (kind == ResourceKind.TIMER || kind == ResourceKind.CONSUMER) {
      return liveByKind[kind.ordinal()];
    }
    return liveByKind[ResourceKind.LISTENER.ordinal()] + liveByKind[ResourceKind.FILE.ordinal()]
        + liveByKind[ResourceKind.CLOSEABLE.ordinal()] + liveByKind[ResourceKind.LEASE.ordinal()];
  }

  /** Live resources of every kind. */
  int size() {
    return size;
  }
}
