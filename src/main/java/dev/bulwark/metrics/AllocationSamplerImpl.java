package dev.bulwark.metrics;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import java.util.IdentityHashMap;
import java.util.Map;

/** Confined to one event loop: its counter, its sampled requests in progress and its route cells. */
final class AllocationSamplerImpl implements AllocationSampler {

  /**
   * Sampled requests in progress on one loop at once; while that many are open (slow routes), the next ones picked
   * are let through unmeasured, so the table never grows.
   */
  static final int MAX_OPEN = 16;

  private final RouteAllocations allocations;
  private final com.sun.management.ThreadMXBean threads;
  private final int every;
  private final int loop;
  private final Map<Route, RouteAllocations.Cells> byRoute = new IdentityHashMap<>();
  private final RoutingContext[] open = new RoutingContext[MAX_OPEN];
  private final long[] before = new long[MAX_OPEN];
  private int openCount;
  private int countdown;
  private Thread thread;

  AllocationSamplerImpl(RouteAllocations allocations) {
    this.allocations = allocations;
    this.threads = allocations.threads();
    this.every = allocations.sampling();
    this.loop = every == 0 ? -1 : allocations.nextLoop();
    this.countdown = every;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (sample(ctx)) {
      ctx.addEndHandler(ar -> exit(ctx, 0, ar.succeeded()));
    }
    ctx.next();
  }

  @Override
  public boolean enter(RoutingContext ctx) {
    sample(ctx);
    return true;
  }

  /** True when {@code ctx} is measured: its turn came and a row was free. */
  private boolean sample(RoutingContext ctx) {
    if (every == 0 || --countdown > 0) {
      return false;
    }
    countdown = every;
    if (openCount == MAX_OPEN) {
      return false;
    }
    if (thread == null) {
      thread = Thread.currentThread();
    }
    long bytes = threads.getCurrentThreadAllocatedBytes();
    if (bytes < 0 || thread != Thread.currentThread()) {
      return false; // counting switched off since the start, or not on this sampler's loop
    }
    open[openCount] = ctx;
    before[openCount++] = bytes;
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    if (openCount == 0) {
      return;
    }
    for (int i = 0; i < openCount; i++) {
      if (open[i] == ctx) {
        long bytes = threads.getCurrentThreadAllocatedBytes() - before[i];
        open[i] = open[--openCount];
        before[i] = before[openCount];
        open[openCount] = null;
        if (bytes >= 0 && thread == Thread.currentThread()) {
          cellsFor(ctx.currentRoute()).record(loop, bytes);
        }
        return;
      }
    }
  }

  private RouteAllocations.Cells cellsFor(Route route) {
    RouteAllocations.Cells cells = byRoute.get(route);
    if (cells == null) {
      String label = RouteLabel.of(route);
      cells = allocations.cells(label == null ? RouteLabel.NONE : label);
      byRoute.put(route, cells);
    }
    return cells;
  }
}
