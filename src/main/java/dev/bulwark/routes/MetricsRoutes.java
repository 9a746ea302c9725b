package dev.bulwark.routes;

import dev.bulwark.spi.RouteModule;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/** The Prometheus scrape on the main port ({@code metrics.path}): critical, so monitoring still sees a server in trouble. */
final class MetricsRoutes implements RouteModule {

  private final String path;
  private final Handler<RoutingContext> scrape;

  MetricsRoutes(String path, Handler<RoutingContext> scrape) {
    this.path = path;
    this.scrape = scrape;
  }

  @Override
  public String name() {
    return "metrics";
  }

  @Override
  public void mount(Router router, Context context) {
    context.critical(path);
    router.get(path).handler(scrape);
  }
}
