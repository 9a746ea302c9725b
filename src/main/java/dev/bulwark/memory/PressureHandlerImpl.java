package dev.bulwark.memory;

import dev.bulwark.spi.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import dev.bulwark.spi.PathPrefixes;

final class PressureHandlerImpl implements PressureHandler {

  private static final ApiError SHED = new ApiError(503, "overloaded",
      "Memory pressure is critical: only critical routes are served; retry later.");

  private final MemoryMonitor monitor;
  private final boolean closeWhenElevated;
  private final boolean shedWhenCritical;
  private final PathPrefixes critical;

  PressureHandlerImpl(MemoryMonitor monitor, boolean closeWhenElevated, boolean shedWhenCritical,
      PathPrefixes critical) {
    this.monitor = monitor;
    this.closeWhenElevated = closeWhenElevated;
    this.shedWhenCritical = shedWhenCritical;
    this.critical = critical;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (enter(ctx)) {
      ctx.next();
    }
  }

  @Override
  public boolean enter(RoutingContext ctx) {
    PressureLevel level = monitor.level();
    if (level == PressureLevel.NORMAL) {
      return true;
    }
    if (level == PressureLevel.CRITICAL && shedWhenCritical && !critical.matches(ctx.normalizedPath())) {
      monitor.recordShed(MemoryMonitor.ShedReason.PRESSURE);
      ctx.fail(SHED); // the error handler closes an HTTP/1.x connection whose body is left unread
      return false;
    }
    if (closeWhenElevated && ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.put(PressureLevel.CONTEXT_KEY, level);
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    // nothing is held per request
  }
}
