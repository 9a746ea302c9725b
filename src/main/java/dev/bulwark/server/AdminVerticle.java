package dev.bulwark.server;

import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.admin.BearerTokenHandler;
import dev.bulwark.config.AdminOptions;
import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The admin port: a separate server, every route behind the bearer token. */
final class AdminVerticle extends VerticleBase {

  private final BulwarkConfig config;
  private final ServerParts parts;
  private final String token;
  private final Consumer<Integer> boundPort;
  private HttpServer server;

  AdminVerticle(BulwarkConfig config, ServerParts parts, String token, Consumer<Integer> boundPort) {
    this.config = config;
    this.parts = parts;
    this.token = token;
    this.boundPort = boundPort;
  }

  @Override
  public Future<?> start() {
    AdminOptions admin = config.admin();
    Router router = Router.router(vertx);
    router.route().handler(BearerTokenHandler.create(token));
    AdminRoutes.mount(router, parts.status());
    RouterAssembly.renderErrors(router, ErrorHandler.create(config.http().retryAfter()));
    parts.status().seal();
    return vertx.createHttpServer(new HttpServerOptions().setHost(admin.host()).setPort(admin.port()))
        .requestHandler(router)
        .listen()
        .onSuccess(s -> {
          server = s;
          boundPort.accept(s.actualPort());
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture()
        : server.shutdown(config.http().shutdownGrace().toMillis(), TimeUnit.MILLISECONDS);
  }
}
