package dev.bulwark.memory;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.spi.PathPrefixes;

/**
 * Acts on the memory pressure level, read once per request (one volatile load; nothing is computed per request). At
 * NORMAL it does nothing. At ELEVATED it answers with {@code Connection: close} (HTTP/1.x) so clients reconnect and
 * load spreads. At CRITICAL it answers every non-critical route 503 {@code overloaded} before its body is read; critical
 * routes pass, marked with the level ({@link PressureLevel#of}) so they can answer in a degraded way. It works as a
 * route handler of its own or as a {@link RequestScopeHandler.Guard} riding on the request scope handler.
 */
public interface PressureHandler extends Handler<RoutingContext>, RequestScopeHandler.Guard {

  boolean DEFAULT_CLOSE_WHEN_ELEVATED = MemoryOptions.DEFAULT_CLOSE_WHEN_ELEVATED;
  boolean DEFAULT_SHED_WHEN_CRITICAL = MemoryOptions.DEFAULT_SHED_WHEN_CRITICAL;

  /** Sheds every route at CRITICAL except those under {@code critical} (matched on whole path segments). */
  static PressureHandler create(MemoryMonitor monitor, PathPrefixes critical) {
    return new PressureHandlerImpl(monitor, DEFAULT_CLOSE_WHEN_ELEVATED, DEFAULT_SHED_WHEN_CRITICAL, critical);
  }

  static PressureHandler create(MemoryMonitor monitor, boolean closeWhenElevated, boolean shedWhenCritical,
      PathPrefixes critical) {
    return new PressureHandlerImpl(monitor, closeWhenElevated, shedWhenCritical, critical);
  }
}
