package dev.bulwark.server;

import dev.bulwark.RouteModule;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.memory.PressureHandler;
import dev.bulwark.metrics.RequestMetricsHandler;
import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.scope.VerticleScope;
import dev.bulwark.stream.BodyLimitHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.LoggerHandler;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where the main router is put together, for one event loop: the guard chain first (metrics, admission,
 * request scope, pressure, body limits), then Bulwark's route groups and the users' {@link RouteModule}s, then error rendering. Every route
 * mounted here, a user's included, sits behind the whole chain.
 */
final class RouterAssembly {

  private static final Logger LOG = LoggerFactory.getLogger(RouterAssembly.class);
  /** Uploads stream to disk: their bodies are bounded by the uploads section, not by http.maxBodySize. */
  private static final String UPLOADS = "/uploads";
  private static final int[] ROUTER_ERRORS = {400, 404, 405, 406, 413, 414, 415, 431, 500, 501};

  private RouterAssembly() {
  }

  static Router build(Vertx vertx, BulwarkConfig config, ServerParts parts, AdmissionHandler admission,
      VerticleScope verticleScope, List<RouteModule> modules) {
    Router router = Router.router(vertx);
    ErrorHandler errors = ErrorHandler.create(config.http().retryAfter());

    // One route carries the whole chain: vertx-web then steps from handler to handler without matching a route
    // again for each guard, which measurably matters at 80k req/s.
    Route guards = router.route();
    if (config.logging().accessLog()) {
      guards.handler(LoggerHandler.create()); // a vertx-web platform handler: it must come first on its route
    }
    if (parts.metrics().enabled()) {
      guards.handler(RequestMetricsHandler.create(parts.requestMeters()));
    }
    guards.handler(admission)
        .handler(RequestScopeHandler.create(vertx, config.scope(), parts.scopes(), config.http().requestTimeout()))
        .handler(PressureHandler.create(parts.memory(), config.memory().closeConnectionsWhenElevated(),
            config.memory().shedWhenCritical(), criticalPrefixes(config)))
        .handler(BodyLimitHandler.create(config.http().maxBodySize(), parts.budget(),
            () -> parts.memory().recordShed(MemoryMonitor.ShedReason.INFLIGHT_BYTES), UPLOADS,
            config.uploads().maxRequestSize()));

    if (parts.metrics().enabled() && !config.metrics().separatePort()) {
      router.get(config.metrics().path()).handler(parts.metrics().scrapeHandler());
    }
    RouteModule.Context context = new ModuleContext(vertx, config, verticleScope);
    for (RouteModule module : modules) {
      module.mount(router, context);
      LOG.debug("Mounted route module {}", module.name());
    }
    renderErrors(router, errors);
    return router;
  }

  private static List<String> criticalPrefixes(BulwarkConfig config) {
    List<String> prefixes = new ArrayList<>(PressureHandler.ALWAYS_CRITICAL);
    prefixes.add(config.metrics().path());
    prefixes.addAll(config.memory().criticalRoutes());
    if (config.lab().enabled()) {
      prefixes.add("/lab/reset"); // the lab's way to give memory back must work when memory is short
    }
    return prefixes;
  }

  /**
   * A failure handler on each routed path keeps the failing route current while the error is rendered, so logs and
   * route labels name the route, not the catch-all.
   */
  static void renderErrors(Router router, ErrorHandler errors) {
    for (Route route : router.getRoutes()) {
      if (route.getPath() != null || route.isRegexPath()) {
        try {
          route.failureHandler(errors);
        } catch (IllegalStateException subRouter) {
          // A mounted sub-router renders its own failures; unhandled ones reach the catch-all below.
        }
      }
    }
    router.route().failureHandler(errors);
    for (int status : ROUTER_ERRORS) {
      router.errorHandler(status, errors);
    }
  }

  private record ModuleContext(Vertx vertx, BulwarkConfig config, VerticleScope scope)
      implements RouteModule.Context {
  }
}
