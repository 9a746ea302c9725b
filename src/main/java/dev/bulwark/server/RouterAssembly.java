package dev.bulwark.server;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.memory.PressureHandler;
import dev.bulwark.metrics.AllocationSampler;
import dev.bulwark.metrics.RequestMetricsHandler;
import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.scope.VerticleScope;
import dev.bulwark.spi.ModuleConfig;
import dev.bulwark.spi.PathPrefixes;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.stream.BodyLimitHandler;
import dev.bulwark.stream.BodyReader;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.LoggerHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The one place where the main router is put together, for one event loop. Every route module, Bulwark's own and the
 * users', mounts first through the same {@link RouteModule.Context}; what they declare (critical paths, streamed
 * bodies) then configures the guard chain (metrics, admission, request scope, pressure, body limits, allocation
 * sampling), which runs before every route; error rendering comes last. The guards know no route: only what modules
 * declared.
 */
final class RouterAssembly {

  private static final int[] ROUTER_ERRORS = {400, 404, 405, 406, 413, 414, 415, 431, 500, 501};

  private RouterAssembly() {
  }

  static Router build(Vertx vertx, BulwarkConfig config, ServerParts parts, AdmissionHandler admission,
      VerticleScope verticleScope, List<RouteModule> modules, Function<RouteModule, String> sourceOf) {
    Router router = Router.router(vertx);
    PathPrefixes.Builder critical = new PathPrefixes.Builder();
    PathPrefixes.Builder streamed = new PathPrefixes.Builder();
    // Body reads are held to the limit of their path, streamed prefixes included: known once every module mounted.
    AtomicReference<PathPrefixes> streamedPaths = new AtomicReference<>(PathPrefixes.none());
    BodyReader bodies = parts.bodies().forRouter(streamedPaths::get);
    config.memory().criticalRoutes().forEach(p -> critical.add(p, 0));
    for (RouteModule module : modules) {
      ModuleContext context = new ModuleContext(vertx, new ModuleConfig(module.name(),
          config.moduleValues(module.name())), verticleScope, bodies, parts.metrics().registry(), critical,
          streamed);
      int before = router.getRoutes().size();
      module.mount(router, context);
      List<Route> all = router.getRoutes();
      parts.modules().record(module.name(), sourceOf.apply(module), new ArrayList<>(all.subList(before, all.size())));
    }
    answerHeadLikeGet(router);
    streamedPaths.set(streamed.build());
    guards(vertx, config, parts, admission, critical.build(), streamedPaths.get(),
        router.route().order(Integer.MIN_VALUE));
    renderErrors(router, new ErrorHandlerImpl(config.http().retryAfter(), parts.rejected(), config.http().closeLinger()));
    return router;
  }

  /**
   * Every GET route answers HEAD too, as HTTP requires of a GET resource (RFC 9110 9.3.2): Vert.x sends the head of
   * the GET answer without its body, so HEAD-based health checks and link checkers work. Set once at assembly.
   */
  static void answerHeadLikeGet(Router router) {
    for (Route route : router.getRoutes()) {
      java.util.Set<HttpMethod> methods = route.methods();
      if (methods != null && methods.contains(HttpMethod.GET) && !methods.contains(HttpMethod.HEAD)) {
        route.method(HttpMethod.HEAD);
      }
    }
  }

  /**
   * One route carries the whole chain: vertx-web then steps from handler to handler without matching a route again
   * for each guard, which measurably matters at 80k req/s. Request metrics, admission, pressure, body limits and the
   * allocation sampler ride on the request scope handler as its guards, so they share one small object, one end hook
   * and one handler step per request instead of an end handler and a step each.
   */
  private static void guards(Vertx vertx, BulwarkConfig config, ServerParts parts, AdmissionHandler admission,
      PathPrefixes critical, PathPrefixes streamed, Route guards) {
    if (config.logging().accessLog()) {
      guards.handler(LoggerHandler.create()); // a vertx-web platform handler: it must come first on its route
    }
    List<RequestScopeHandler.Guard> entering = new ArrayList<>();
    entering.add(new Http2Parity(config.http().maxInitialLineLength(), parts.rejected()));
    if (parts.metrics().enabled()) {
      entering.add(RequestMetricsHandler.create(parts.requestMeters()));
    }
    entering.add(admission);
    entering.add(PressureHandler.create(parts.memory(), config.memory().closeConnectionsWhenElevated(),
        config.memory().shedWhenCritical(), critical));
    entering.add(BodyLimitHandler.create(config.http().maxBodySize(), streamed));
    if (parts.allocations().enabled()) {
      entering.add(AllocationSampler.create(parts.allocations())); // last: it measures from here to the end
    }
    guards.handler(RequestScopeHandler.create(vertx, config.scope(), parts.scopes(), config.http().requestTimeout(),
        entering, parts.drain()));
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
}
