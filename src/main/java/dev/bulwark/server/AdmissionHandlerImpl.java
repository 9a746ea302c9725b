package dev.bulwark.server;

import dev.bulwark.spi.ApiError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

final class AdmissionHandlerImpl implements AdmissionHandler {

  private static final ApiError OVERLOADED =
      new ApiError(503, "overloaded", "The server is at its limit of requests in progress; retry later.");
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /**
   * The counts sit in the middle of their own array, 128 bytes from either end: the handlers of all event loops are
   * made together, side by side in memory, and each loop writing its count on every request would otherwise pass a
   * shared cache line back and forth between cores (false sharing).
   */
  private static final int PAD = 16;
  private static final int IN_FLIGHT = PAD;
  private static final int REJECTED = PAD + 1;

  private final int maxInFlight;
  // Written only by this handler's event loop, with opaque stores (no fence, no CAS); read by status and metrics.
  private final long[] counts = new long[PAD + 2 + PAD];
  private final Handler<AsyncResult<Void>> release = ar -> addInFlight(-1);
  private final Runnable onReject;

  AdmissionHandlerImpl(int maxInFlight, Runnable onReject) {
    this.onReject = onReject;
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (enter(ctx)) {
      ctx.addEndHandler(release);
      ctx.next();
    }
  }

  @Override
  public boolean enter(RoutingContext ctx) {
    if (inFlight() >= maxInFlight) {
      LONGS.setOpaque(counts, REJECTED, rejected() + 1);
      onReject.run();
      ctx.fail(OVERLOADED);
      return false;
    }
    addInFlight(1);
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    addInFlight(-1);
  }

  private void addInFlight(int delta) {
    LONGS.setOpaque(counts, IN_FLIGHT, (long) LONGS.getOpaque(counts, IN_FLIGHT) + delta);
  }

  @Override
  public int inFlight() {
    return (int) (long) LONGS.getOpaque(counts, IN_FLIGHT);
  }

  @Override
  public long rejected() {
    return (long) LONGS.getOpaque(counts, REJECTED);
  }
}
