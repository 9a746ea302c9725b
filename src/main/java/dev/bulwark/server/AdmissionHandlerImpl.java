package dev.bulwark.server;

import dev.bulwark.ApiError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

final class AdmissionHandlerImpl implements AdmissionHandler {

  private static final ApiError OVERLOADED =
      new ApiError(503, "overloaded", "The server is at its limit of requests in progress; retry later.");

  private final int maxInFlight;
  // Written only by this handler's event loop; atomics so that status readers on other threads see fresh values.
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong rejected = new AtomicLong();
  private final Handler<AsyncResult<Void>> release = ar -> inFlight.decrementAndGet();

  AdmissionHandlerImpl(int maxInFlight) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1, not " + maxInFlight);
    }
    this.maxInFlight = maxInFlight;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (inFlight.get() >= maxInFlight) {
      rejected.incrementAndGet();
      ctx.fail(OVERLOADED);
      return;
    }
    inFlight.incrementAndGet();
    ctx.addEndHandler(release);
    ctx.next();
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public long rejected() {
    return rejected.get();
  }
}
