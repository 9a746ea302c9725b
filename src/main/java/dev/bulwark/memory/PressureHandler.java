package dev.bulwark.memory;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Acts on the memory pressure level, read once per request (one volatile load; nothing is computed per request). At
 * NORMAL it does nothing. At ELEVATED it answers with {@code Connection: close} (HTTP/1.x) so clients reconnect and
 * load spreads. At CRITICAL it answers every non-critical route 503 {@code overloaded} before its body is read; critical
 * routes pass, marked with the level ({@link PressureLevel#of}) so they can answer in a degraded way.
 */
public interface PressureHandler extends Handler<RoutingContext> {

  /** Path prefixes that are always critical, besides the metrics path and {@code memory.criticalRoutes}. */
  List<String> ALWAYS_CRITICAL = List.of("/health", "/critical/");

  static PressureHandler create(MemoryMonitor monitor, boolean closeWhenElevated, boolean shedWhenCritical,
      List<String> criticalPrefixes) {
    return new PressureHandlerImpl(monitor, closeWhenElevated, shedWhenCritical, criticalPrefixes);
  }
}
