package dev.bulwark.scope;

import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

final class RequestScopeHandlerImpl implements RequestScopeHandler {

  /** The deadline check runs every tenth of the timeout, kept between these bounds. */
  private static final long MIN_TICK_MS = 5;
  private static final long MAX_TICK_MS = 500;
  private static final int TICKS_PER_TIMEOUT = 10;

  final Vertx vertx;
  final ScopeOptions options;
  final ScopeCounters counters;
  final LoopCounters loopCounters;
  private final long timeoutNanos;
  private final long tickMs;
  private final long tickNanos;
  private final LongSupplier nanoClock;
  // Confined to this handler's event loop: a list in deadline order (every scope has the same timeout).
  private RequestScopeImpl head;
  private RequestScopeImpl tail;
  private int open;
  private long tickTimer = -1;
  // The clock as of the last tick: deadlines need no clock read per request, only tick precision.
  private long now;

  RequestScopeHandlerImpl(Vertx vertx, ScopeOptions options, ScopeCounters counters, Duration timeout,
      LongSupplier nanoClock) {
    this.vertx = vertx;
    this.options = options;
    this.counters = counters;
    this.timeoutNanos = timeout.toNanos();
    this.tickMs = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, timeout.toMillis() / TICKS_PER_TIMEOUT));
    this.tickNanos = TimeUnit.MILLISECONDS.toNanos(tickMs);
    this.nanoClock = nanoClock;
    this.loopCounters = counters.newLoop();
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (tickTimer < 0) {
      // Idle until now: read the clock and start ticking; while busy, the tick keeps `now` fresh.
      now = nanoClock.getAsLong();
      tickTimer = vertx.setPeriodic(tickMs, id -> tick());
    }
    // Rounded up by one tick, so a request never times out early however stale `now` is.
    RequestScopeImpl scope = new RequestScopeImpl(this, ctx, now + timeoutNanos + tickNanos);
    ctx.put(CONTEXT_KEY, scope);
    link(scope);
    loopCounters.opened();
    ctx.addEndHandler(scope);
    ctx.next();
  }

  @Override
  public int open() {
    return open;
  }

  private void link(RequestScopeImpl scope) {
    if (tail == null) {
      head = scope;
    } else {
      tail.next = scope;
      scope.prev = tail;
    }
    tail = scope;
    open++;
  }

  /** Restarts a scope's timeout from now: it moves to the tail, which keeps the list in deadline order. */
  void restart(RequestScopeImpl scope) {
    if (scope.prev == null && head != scope) {
      return; // no longer timed: released, or its response is already streaming
    }
    unlink(scope);
    scope.deadline = now + timeoutNanos + tickNanos;
    link(scope);
  }

  void unlink(RequestScopeImpl scope) {
    if (scope.prev == null && head != scope) {
      return; // already unlinked
    }
    if (scope.prev == null) {
      head = scope.next;
    } else {
      scope.prev.next = scope.next;
    }
    if (scope.next == null) {
      tail = scope.prev;
    } else {
      scope.next.prev = scope.prev;
    }
    scope.prev = null;
    scope.next = null;
    open--;
  }

  /** Times out every scope past its deadline; stops ticking when no request is open. */
  void tick() {
    now = nanoClock.getAsLong();
    while (head != null && head.deadline - now <= 0) {
      RequestScopeImpl expired = head;
      unlink(expired);
      expired.deadlinePassed();
    }
    if (head == null && tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
      tickTimer = -1;
    }
  }
}
