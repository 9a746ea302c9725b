package dev.bulwark.server;

import dev.bulwark.RouteModule;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.HttpOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** One instance per event loop: its own router, guards and server handle on the shared main port. */
final class HttpVerticle extends VerticleBase {

  private final BulwarkConfig config;
  private final ServerParts parts;
  private final AdmissionHandler admission;
  private final Supplier<List<RouteModule>> modules;
  private final Consumer<Integer> boundPort;
  private HttpServer server;

  HttpVerticle(BulwarkConfig config, ServerParts parts, AdmissionHandler admission,
      Supplier<List<RouteModule>> modules, Consumer<Integer> boundPort) {
    this.config = config;
    this.parts = parts;
    this.admission = admission;
    this.modules = modules;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    var router = RouterAssembly.build(vertx, config, parts, admission, modules.get());
    return vertx.createHttpServer(serverOptions(config.http()))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> {
          server = s;
          boundPort.accept(s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    // Lets requests in progress finish within the grace period, then closes what is left.
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.http().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }

  static HttpServerOptions serverOptions(HttpOptions http) {
    return new HttpServerOptions()
        .setHost(http.host())
        .setPort(http.port())
        .setMaxHeaderSize(http.maxHeaderSize())
        .setMaxInitialLineLength(http.maxInitialLineLength())
        .setIdleTimeout((int) http.idleTimeout().toSeconds())
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
  }
}
