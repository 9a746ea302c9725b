package dev.bulwark.pool;

import dev.bulwark.spi.ApiError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool engine. Every state change runs on {@link #context} (so the state needs no lock); what reaches a borrower is
 * completed on the borrower's own context. Invariants, after every step: {@code size <= maxSize},
 * {@code active + idle + creating == size}, {@code pending <= maxWaiting + creating}, and no waiter while a connection
 * is idle.
 */
final class BoundedPool<C> extends ObservedPool<C> {

  /** How a lease comes back. */
  enum Return { KEEP, CHECK, DISCARD }

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
  private static final long MIN_HOUSEKEEPING_MS = 100;
  private static final long MAX_HOUSEKEEPING_MS = 30_000;

  private final Context context;
  private final Vertx vertx;
  private final ConnectionFactory<C> factory;
  private final LongSupplier clock;
  private final ArrayDeque<Slot<C>> idleSlots = new ArrayDeque<>();
  private final ArrayDeque<Waiter<C>> waiters = new ArrayDeque<>();
  private int creating;
  private long housekeeper = -1;
  /** Made once: a full queue is the answer under a flood, so refusing must cost nothing (no state in it). */
  private final ApiError exhausted;

  BoundedPool(Context context, PoolOptions options, ConnectionFactory<C> factory, String name, LongSupplier clock) {
    super(name, options);
    this.context = context;
    this.vertx = context.owner();
    this.factory = factory;
    this.clock = clock;
    this.exhausted = new ApiError(503, "pool_exhausted", "pool " + name + ": every connection is busy and the "
        + "waiting queue (maxWaiting " + options.maxWaiting() + ") is full; retry later");
    onPool(this::startHousekeeping);
  }

  @Override
  public Future<Lease<C>> acquire() {
    if (full) {
      // Under a flood most borrowers meet a full queue: refused on their own thread, with no hop and no allocation.
      counters.rejectedAtOnce.increment();
      return Future.failedFuture(exhausted);
    }
    // The stack is taken here, on the borrower's thread, so a leak report names the borrower's code.
    Throwable site = options.leakThreshold().isZero() ? null : new Throwable("lease of pool " + name + " acquired here");
    Waiter<C> w = new Waiter<>(Vertx.currentContext(), site, clock.getAsLong());
    onPool(() -> enqueue(w));
    return w.promise.future();
  }

  @Override
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    Context caller = Vertx.currentContext();
    onPool(() -> {
      List<Future<Void>> closing = new ArrayList<>();
      if (!closed) {
        closed = true;
        vertx.cancelTimer(housekeeper);
        ApiError error = refusal("pool_closed", "closed", "");
        while (!waiters.isEmpty()) {
          fail(waiters.pollFirst(), error);
        }
        while (!idleSlots.isEmpty()) {
          closing.add(closeSlot(idleSlots.pollFirst()));
        }
        publish();
      }
      Future.join(closing).onComplete(ar -> emit(caller, () -> done.complete()));
    });
    return done.future();
  }

  private void enqueue(Waiter<C> w) {
    if (closed) {
      fail(w, refusal("pool_closed", "closed", ""));
      return;
    }
    // Beyond maxWaiting, a borrower may wait only for a connection being made (or about to be) on its behalf.
    if (idleSlots.isEmpty() && waiters.size() >= options.maxWaiting() + (options.maxSize() - size) + creating) {
      counters.rejections++;
      fail(w, exhausted);
      return;
    }
    waiters.addLast(w);
    dispatch();
    if (!w.done) {
      w.timerId = vertx.setTimer(options.acquireTimeout().toMillis(), id -> timedOut(w));
    }
  }

  /** Matches idle connections with waiters, oldest waiter first, then starts the creations the rest need. */
  private void dispatch() {
    long now = clock.getAsLong();
    while (!waiters.isEmpty() && !idleSlots.isEmpty()) {
      Slot<C> s = idleSlots.pollFirst();
      if (lifetimeOver(s, now)) {
        closeSlot(s);
        continue;
      }
      Waiter<C> w = waiters.pollFirst();
      active++;
      publish();
      if (options.validateOnBorrow()) {
        validateFor(s, w);
      } else {
        serve(s, w);
      }
    }
    while (!closed && waiters.size() > creating && size < options.maxSize()) {
      startCreate();
    }
    publish();
  }

  private void validateFor(Slot<C> s, Waiter<C> w) {
    validate(s).onComplete(ok -> onPool(() -> {
      if (!ok.result()) {
        active--;
        closeSlot(s);
        if (!w.done) {
          waiters.addFirst(w);
        }
        dispatch();
      } else if (w.done) {
        returned(s, Return.KEEP);
      } else {
        serve(s, w);
      }
    }));
  }

  /** The factory's verdict; a failing or throwing validation means broken. */
  private Future<Boolean> validate(Slot<C> s) {
    try {
      return factory.validate(s.connection).otherwise(false).map(Boolean.TRUE::equals);
    } catch (RuntimeException e) {
      return Future.succeededFuture(false);
    }
  }

  private void serve(Slot<C> s, Waiter<C> w) {
    w.done = true;
    vertx.cancelTimer(w.timerId);
    PooledLease<C> lease = new PooledLease<>(this, s, w.site);
    if (w.site != null) {
      lease.leakTimer = vertx.setTimer(options.leakThreshold().toMillis(), id -> leaked(lease));
    }
    counters.recordWait(clock.getAsLong() - w.since);
    emit(w.caller, () -> w.promise.complete(lease));
  }

  private void startCreate() {
    size++;
    creating++;
    Future<C> made;
    try {
      made = factory.create();
    } catch (RuntimeException e) {
      made = Future.failedFuture(e);
    }
    made.onComplete(ar -> onPool(() -> created(ar)));
  }

  private void created(AsyncResult<C> ar) {
    creating--;
    if (ar.failed()) {
      size--;
      counters.creationFailures++;
      // The failed creation was some waiter's: answer the oldest now rather than leave it to its timeout.
      if (waiters.size() > creating) {
        fail(waiters.pollFirst(), creationFailed(ar.cause()));
      }
    } else if (closed) {
      closeSlot(new Slot<>(ar.result(), clock.getAsLong()));
    } else {
      idleSlots.addFirst(new Slot<>(ar.result(), clock.getAsLong()));
    }
    dispatch();
  }

  private ApiError creationFailed(Throwable cause) {
    if (cause instanceof ApiError) {
      return (ApiError) cause;
    }
    return refusal("backend_unavailable", "could not open a connection: " + cause, "");
  }

  private void timedOut(Waiter<C> w) {
    if (w.done) {
      return;
    }
    w.timerId = -1;
    // The state is taken with this waiter still counted, as the borrower saw it.
    ApiError error = refusal("pool_timeout", "no connection within " + options.acquireTimeout().toMillis() + " ms",
        "; release leases sooner, raise maxSize or lower the load");
    waiters.remove(w);
    counters.timeouts++;
    publish();
    fail(w, error);
  }

  private void fail(Waiter<C> w, Throwable error) {
    w.done = true;
    vertx.cancelTimer(w.timerId);
    emit(w.caller, () -> w.promise.fail(error));
  }

  void giveBack(PooledLease<C> lease, Return how) {
    onPool(() -> {
      vertx.cancelTimer(lease.leakTimer);
      if (how == Return.CHECK && !closed) {
        validate(lease.slot).onComplete(ok -> onPool(() -> returned(lease.slot, ok.result() ? Return.KEEP
            : Return.DISCARD)));
      } else {
        returned(lease.slot, how);
      }
    });
  }

  private void returned(Slot<C> s, Return how) {
    active--;
    long now = clock.getAsLong();
    if (how == Return.DISCARD || closed || lifetimeOver(s, now)) {
      closeSlot(s);
    } else {
      s.lastUsedAt = now;
      idleSlots.addFirst(s);
    }
    dispatch();
  }

  private void leaked(PooledLease<C> lease) {
    lease.leakTimer = -1;
    if (!lease.ended()) {
      counters.leaks++;
      LOG.warn("Pool {}: a lease has been held for more than {} ms (leakThreshold); it was acquired here:", name,
          options.leakThreshold().toMillis(), lease.site);
    }
  }

  private Future<Void> closeSlot(Slot<C> s) {
    size--;
    try {
      return factory.close(s.connection).onFailure(e -> LOG.debug("Pool {}: closing a connection failed", name, e));
    } catch (RuntimeException e) {
      LOG.debug("Pool {}: closing a connection failed", name, e);
      return Future.succeededFuture();
    }
  }

  private void startHousekeeping() {
    long period = MAX_HOUSEKEEPING_MS;
    for (Duration d : List.of(options.idleTimeout(), options.maxLifetime())) {
      if (!d.isZero()) {
        period = Math.min(period, Math.max(MIN_HOUSEKEEPING_MS, d.toMillis() / 2));
      }
    }
    housekeeper = vertx.setPeriodic(period, id -> evict());
    evict();
  }

  /** Closes idle connections past their idle time (beyond minIdle of them) or lifetime, then refills to minIdle. */
  void evict() {
    long now = clock.getAsLong();
    long idleNanos = options.idleTimeout().toNanos();
    Iterator<Slot<C>> oldestFirst = idleSlots.descendingIterator();
    while (oldestFirst.hasNext()) {
      Slot<C> s = oldestFirst.next();
      boolean idleTooLong = idleNanos > 0 && now - s.lastUsedAt >= idleNanos && idleSlots.size() > options.minIdle();
      if (idleTooLong || lifetimeOver(s, now)) {
        oldestFirst.remove();
        closeSlot(s);
      }
    }
    // As Hikari's minimumIdle: idle ones (and ones being made) are kept up to minIdle, within maxSize.
    while (!closed && idleSlots.size() + creating - waiters.size() < options.minIdle() && size < options.maxSize()) {
      startCreate();
    }
    dispatch();
  }

  private boolean lifetimeOver(Slot<C> s, long now) {
    long max = options.maxLifetime().toNanos();
    return max > 0 && now - s.createdAt >= max;
  }

  private void onPool(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }

  private void emit(Context caller, Runnable completion) {
    if (caller == null || caller == context) {
      completion.run();
    } else {
      caller.runOnContext(v -> completion.run());
    }
  }

  private void publish() {
    idle = idleSlots.size();
    pending = waiters.size();
    full = idleSlots.isEmpty() && waiters.size() >= options.maxWaiting() + (options.maxSize() - size) + creating;
  }

  /** A 503 carrying the pool's state, in its message (as Hikari's) and as details. */
  private ApiError refusal(String code, String what, String advice) {
    publish();
    return new ApiError(503, code, "pool " + name + ": " + what + " (" + stateText() + ")" + advice, state());
  }

  /** Connections being made; for invariant checks. */
  int creating() {
    return creating;
  }
}
