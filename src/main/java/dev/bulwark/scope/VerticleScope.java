package dev.bulwark.scope;

import io.vertx.core.Vertx;

/**
 * A scope for resources that belong to a verticle or a {@link dev.bulwark.spi.RouteModule} rather than to one request:
 * everything it owns is released when the verticle is undeployed (including at shutdown), or on {@link #close()}.
 * Safe to use from any thread; it holds at most {@code scope.maxVerticleResources} live resources.
 */
public interface VerticleScope extends ResourceScope {

  /**
   * A scope tied to the calling verticle's context: released when that verticle is undeployed. Outside a verticle it
   * is released only by {@link #close()}.
   */
  static VerticleScope create(Vertx vertx, ScopeOptions options, ScopeCounters counters) {
    return VerticleScopeImpl.tiedToCurrentVerticle(vertx, options, counters);
  }

  /** Releases everything now, once; later acquisitions throw {@link ScopeClosedException}. */
  void close();
}
