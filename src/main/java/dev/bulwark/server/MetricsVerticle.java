package dev.bulwark.server;

import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.IntConsumer;

/** The scrape on a port of its own ({@code metrics.port}), so monitoring traffic never meets the main port's guards. */
final class MetricsVerticle extends ServingVerticle {

  private final BulwarkConfig config;
  private final ServerParts parts;

  MetricsVerticle(BulwarkConfig config, ServerParts parts, IntConsumer boundPort) {
    super("metrics.port", config.http().shutdownGrace(), boundPort);
    this.config = config;
    this.parts = parts;
  }

  @Override
  Router router() {
    Router router = Router.router(vertx);
    router.get(config.metrics().path()).handler(parts.metrics().scrapeHandler());
    RouterAssembly.renderErrors(router, ErrorHandler.create(config.http().retryAfter()));
    return router;
  }

  @Override
  HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHost(config.http().host()).setPort(config.metrics().port());
  }

  @Override
  RejectedRequests rejected() {
    return parts.rejected();
  }
}
