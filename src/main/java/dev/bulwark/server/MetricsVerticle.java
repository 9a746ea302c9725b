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
    super("metrics.port", parts.listeners(), boundPort);
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
    // HTTP/1.1 only, as scrapers speak it: a client asking to upgrade to cleartext HTTP/2 (Java's HttpClient does by
    // default) could hang on Vert.x's h2c upgrade with a scrape-sized answer; refused, it gets a plain HTTP/1.1 one.
    return new HttpServerOptions().setHost(config.http().host()).setPort(config.metrics().port())
        .setHttp2ClearTextEnabled(false);
  }

  @Override
  RejectedRequests rejected() {
    return parts.rejected();
  }
}
