package dev.bulwark.memory;

import dev.bulwark.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

final class PressureHandlerImpl implements PressureHandler {

  private static final ApiError SHED = new ApiError(503, "overloaded",
      "Memory pressure is critical: only critical routes are served; retry later.");

  private final MemoryMonitor monitor;
  private final boolean closeWhenElevated;
  private final boolean shedWhenCritical;
  private final String[] critical;

  PressureHandlerImpl(MemoryMonitor monitor, boolean closeWhenElevated, boolean shedWhenCritical,
      List<String> criticalPrefixes) {
    this.monitor = monitor;
    this.closeWhenElevated = closeWhenElevated;
    this.shedWhenCritical = shedWhenCritical;
    this.critical = criticalPrefixes.toArray(String[]::new);
  }

  @Override
  public void handle(RoutingContext ctx) {
    PressureLevel level = monitor.level();
    if (level == PressureLevel.NORMAL) {
      ctx.next();
      return;
    }
    if (level == PressureLevel.CRITICAL && shedWhenCritical && !isCritical(ctx.normalizedPath())) {
      monitor.recordShed(MemoryMonitor.ShedReason.PRESSURE);
      if (ctx.request().headers().contains(HttpHeaders.CONTENT_LENGTH)
          || ctx.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)) {
        // The body stays unread: the connection cannot carry another request.
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
      ctx.fail(SHED);
      return;
    }
    if (closeWhenElevated && ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    ctx.put(PressureLevel.CONTEXT_KEY, level);
    ctx.next();
  }

  private boolean isCritical(String path) {
    for (String prefix : critical) {
      if (path.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
