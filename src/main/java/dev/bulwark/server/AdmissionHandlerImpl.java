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
  private static final VarHandle IN_FLIGHT;
  private static final VarHandle REJECTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      IN_FLIGHT = lookup.findVarHandle(AdmissionHandlerImpl.class, "inFlight", int.class);
      REJECTED = lookup.findVarHandle(AdmissionHandlerImpl.class, "rejected", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int maxInFlight;
  // Written only by this handler's event loop, with opaque stores (no fence, no CAS); read by status and metrics.
  @SuppressWarnings("unused")
  private int inFlight;
  @SuppressWarnings("unused")
  private long rejected;
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
    if (inFlight() >= maxInFlight) {
      REJECTED.setOpaque(this, rejected() + 1);
      onReject.run();
      ctx.fail(OVERLOADED);
      return;
    }
    addInFlight(1);
    ctx.addEndHandler(release);
    ctx.next();
  }

  private void addInFlight(int delta) {
    IN_FLIGHT.setOpaque(this, inFlight() + delta);
  }

  @Override
  public int inFlight() {
    return (int) IN_FLIGHT.getOpaque(this);
  }

  @Override
  public long rejected() {
    return (long) REJECTED.getOpaque(this);
  }
}
