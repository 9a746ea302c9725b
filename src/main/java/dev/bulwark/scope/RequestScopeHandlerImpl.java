package dev.bulwark.scope;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The requests in progress on one event loop: a row each in a {@link RequestScopeTable}, an entry each as their end
 * hook ({@link RequestScopeEntry}), a scope only for those that ask. Everything here runs on that event loop.
 */
final class RequestScopeHandlerImpl implements RequestScopeHandler {

  private static final Logger LOG = LoggerFactory.getLogger(RequestScopeHandler.class);
  private static final ApiError TIMED_OUT =
      new ApiError(503, "request_timeout", "The request was not answered in time; its resources were released.");

  /** The deadline check runs every tenth of the timeout, kept between these bounds. */
  private static final long MIN_TICK_MS = 5;
  private static final long MAX_TICK_MS = 500;
  private static final int TICKS_PER_TIMEOUT = 10;

  final Vertx vertx;
  final ScopeOptions options;
  final ScopeCounters counters;
  final LoopCounters loopCounters;
  private final Guard[] guards;
  private final long timeoutNanos;
  private final long tickMs;
  private final LongSupplier nanoClock;
  private final RequestScopeTable table = new RequestScopeTable();
  private Thread loop;
  private long tickTimer = -1;
  /** Set by the {@link DrainSignal} on this loop: HTTP/1.x answers carry {@code Connection: close} from then on. */
  private boolean closeConnections;
  /** Set by the {@link DrainSignal} on this loop once the ports stop accepting. */
  private boolean draining;

  RequestScopeHandlerImpl(Vertx vertx, ScopeOptions options, ScopeCounters counters, Duration timeout,
      List<? extends Guard> guards, LongSupplier nanoClock) {
    this.vertx = vertx;
    this.options = options;
    this.counters = counters;
    this.guards = guards.toArray(new Guard[0]);
    this.timeoutNanos = timeout.toNanos();
    this.tickMs = Math.max(MIN_TICK_MS, Math.min(MAX_TICK_MS, timeout.toMillis() / TICKS_PER_TIMEOUT));
    this.nanoClock = nanoClock;
    this.loopCounters = counters.newLoop();
  }

  @Override
  public void handle(RoutingContext ctx) {
    RequestScopeEntry entry = RequestScopeEntry.attach(ctx, this);
    if (entry == null) {
      ctx.next(); // rerouted: the request is followed already, and its guards have let it on
      return;
    }
    if (loop == null) {
      loop = Thread.currentThread();
    }
    long start = nanoClock.getAsLong();
    int slot = table.take(ctx, entry, start, start + timeoutNanos);
    entry.inRow(slot);
    RequestScopeTable.Row row = table.row(slot);
    if (tickTimer < 0) {
      tickTimer = vertx.setPeriodic(tickMs, id -> tick());
    }
    if (closeConnections) {
      closeAfterAnswer(ctx);
    }
    for (Guard guard : guards) {
      if (!guard.enter(ctx)) {
        return; // the guard answered the request; its end reaches the guards before it
      }
      row.entered++;
    }
    ctx.next();
  }

  @Override
  public int open() {
    return (int) loopCounters.openCount();
  }

  /** The scope of the request of {@code entry}, made now if it has not asked before. */
  RequestScopeImpl scope(RequestScopeEntry entry, RoutingContext ctx) {
    if (Thread.currentThread() != loop) {
      throw new IllegalStateException("a RequestScope is used from its request's event loop only (" + loop.getName()
          + "), not from " + Thread.currentThread().getName());
    }
    if (!entry.inProgress()) {
      RequestScopeImpl late = new RequestScopeImpl(this, entry, ctx);
      late.madeAfterRelease(entry.endReason());
      return late;
    }
    RequestScopeTable.Row row = table.row(entry.slot());
    if (row.scope == null) {
      row.scope = new RequestScopeImpl(this, entry, ctx);
      loopCounters.opened();
      if (row.timedOut) {
        row.scope.releaseAll(ReleaseReason.TIMEOUT); // asked for after the 503, before the request ended
      }
    }
    return row.scope;
  }

  /** Restarts the timeout of a request whose body keeps arriving; nothing once it no longer times out. */
  void restart(RequestScopeEntry entry) {
    if (entry.inProgress()) {
      RequestScopeTable.Row row = table.row(entry.slot());
      if (row.timed) {
        row.deadline = nanoClock.getAsLong() + timeoutNanos;
      }
    }
  }

  /** True when the response of the request in {@code slot} was closed before it was sent: the client went away. */
  boolean clientGone(int slot) {
    return table.row(slot).ctx.response().closed();
  }

  /** Marks the request in {@code slot} as ending; false if it already is (an end handler raised another end). */
  boolean beginEnd(int slot) {
    RequestScopeTable.Row row = table.row(slot);
    if (row.ending) {
      return false;
    }
    row.ending = true;
    return true;
  }

  /**
   * The request of {@code entry} has ended: its scope is released, then the guards that let it on are told, newest
   * first, each on its own so that one failing cannot keep the others (the in-flight count) from hearing of it.
   */
  void end(RequestScopeEntry entry, boolean sent) {
    int slot = entry.slot();
    RequestScopeTable.Row row = table.row(slot);
    RoutingContext ctx = row.ctx;
    ReleaseReason why = row.timedOut ? ReleaseReason.TIMEOUT
        : ctx.failure() != null || ctx.statusCode() >= 500 ? ReleaseReason.FAILURE
        : sent ? ReleaseReason.END : ReleaseReason.CLIENT_CLOSE;
    RequestScopeImpl scope = row.scope;
    long start = row.start;
    int entered = row.entered;
    entry.ended(why);
    table.free(slot);
    if (scope != null) {
      scope.releaseAll(why);
    }
    for (int i = entered - 1; i >= 0; i--) {
      try {
        guards[i].exit(ctx, start, sent);
      } catch (RuntimeException e) {
        LOG.warn("A guard failed as {} {} ended (the other guards were told): {}", ctx.request().method(),
            ctx.request().path(), e.toString());
      }
    }
  }

  /** The {@link DrainSignal}'s first step, on this loop. */
  void closeConnections() {
    closeConnections = true;
  }

  /** True once the server drains: a scope asking to hear of it then is told at once. */
  boolean draining() {
    return draining;
  }

  /**
   * The {@link DrainSignal}'s drain, on this loop: answers not started yet will close their HTTP/1.x connection, and
   * the scopes of requests in progress are told (after the loop over the rows: a request told may end, freeing its
   * row).
   */
  void drain() {
    closeConnections = true;
    draining = true;
    List<RequestScopeImpl> told = new ArrayList<>();
    for (RoutingContext ctx : inProgress(told)) {
      closeAfterAnswer(ctx);
    }
    told.forEach(RequestScopeImpl::drained);
  }

  /** The requests in progress on this loop, counted by {@code label}. */
  Map<String, Integer> open(Function<RoutingContext, String> label) {
    Map<String, Integer> counts = new HashMap<>();
    for (RoutingContext ctx : inProgress(null)) {
      counts.merge(label.apply(ctx), 1, Integer::sum);
    }
    return counts;
  }

  /** Closes the connection of every request still in progress on this loop; each then ends as a client close would. */
  void abort() {
    for (RoutingContext ctx : inProgress(null)) {
      ctx.request().connection().close();
    }
  }

  /** The routing contexts of the requests in progress (a copy), and their scopes into {@code scopes} when given. */
  private List<RoutingContext> inProgress(List<RequestScopeImpl> scopes) {
    List<RoutingContext> open = new ArrayList<>(table.inUse());
    for (int slot = 0; slot < table.made(); slot++) {
      RequestScopeTable.Row row = table.row(slot);
      if (row.ctx != null && !row.ending) {
        open.add(row.ctx);
        if (scopes != null && row.scope != null) {
          scopes.add(row.scope);
        }
      }
    }
    return open;
  }

  private static void closeAfterAnswer(RoutingContext ctx) {
    HttpServerResponse response = ctx.response();
    if (ctx.request().version() != HttpVersion.HTTP_2 && !response.headWritten() && !response.closed()) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
  }

  /** Times out every request past its deadline; stops ticking when no request is in progress. */
  void tick() {
    long now = nanoClock.getAsLong();
    for (int slot = 0; slot < table.made(); slot++) {
      RequestScopeTable.Row row = table.row(slot);
      if (row.ctx != null && row.timed && !row.ending && row.deadline - now <= 0) {
        deadlinePassed(row);
      }
    }
    if (table.inUse() == 0 && tickTimer >= 0) {
      vertx.cancelTimer(tickTimer);
      tickTimer = -1;
    }
  }

  /**
   * A response already under way (a long download, a large JSON array) is left to finish: the connection's idle
   * timeout guards it from here, and it is released when it ends. Otherwise its scope, if it made one, is released
   * first, then the request is answered 503. A connection closed with the request still here means its close
   * handler was replaced by someone else: the request ends now rather than never.
   */
  private void deadlinePassed(RequestScopeTable.Row row) {
    row.timed = false;
    HttpServerResponse response = row.ctx.response();
    if (response.closed()) {
      row.entry.handle(null);
      return;
    }
    if (response.ended() || response.headWritten()) {
      return;
    }
    row.timedOut = true;
    loopCounters.timedOut();
    if (row.scope != null) {
      row.scope.releaseAll(ReleaseReason.TIMEOUT);
    }
    row.ctx.fail(TIMED_OUT);
  }
}
