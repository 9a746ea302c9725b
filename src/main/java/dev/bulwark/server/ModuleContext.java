package dev.bulwark.server;

import dev.bulwark.scope.VerticleScope;
import dev.bulwark.spi.Bodies;
import dev.bulwark.spi.ModuleConfig;
import dev.bulwark.spi.PathPrefixes;
import dev.bulwark.spi.RouteModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/** What one module sees while it mounts on one event loop; its declarations go into that loop's guard chain. */
record ModuleContext(Vertx vertx, ModuleConfig config, VerticleScope scope, Bodies bodies,
    MeterRegistry meterRegistry, PathPrefixes.Builder criticalPaths, PathPrefixes.Builder streamedPaths) implements RouteModule.Context {

  @Override
  public void streamedBody(String pathPrefix, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, not " + maxBytes);
    }
    streamedPaths.add(pathPrefix, maxBytes);
  }

  @Override
  public void critical(String pathPrefix) {
    criticalPaths.add(pathPrefix, 0);
  }
}
