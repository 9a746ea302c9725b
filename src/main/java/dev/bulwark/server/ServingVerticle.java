package dev.bulwark.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** A verticle that serves one router on one port, reports the port it bound, and drains on stop. */
abstract class ServingVerticle extends VerticleBase {

  private final Duration shutdownGrace;
  private final IntConsumer boundPort;
  private HttpServer server;

  ServingVerticle(Duration shutdownGrace, IntConsumer boundPort) {
    this.shutdownGrace = shutdownGrace;
    this.boundPort = boundPort;
  }

  /** Builds the router, on this verticle's event loop. */
  abstract Router router();

  abstract HttpServerOptions serverOptions();

  @Override
  public final Future<?> start() {
    Router router = router();
    return vertx.createHttpServer(serverOptions())
        .requestHandler(router)
        .listen()
        .onSuccess(s -> {
          server = s;
          boundPort.accept(s.actualPort());
        });
  }

  @Override
  public final Future<?> stop() {
    // Requests in progress get the grace period to finish; then what is left is closed.
    return server == null ? Future.succeededFuture()
        : server.shutdown(shutdownGrace.toMillis(), TimeUnit.MILLISECONDS);
  }
}
