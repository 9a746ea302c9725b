package dev.bulwark.server;

import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.admin.BearerTokenHandler;
import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.IntConsumer;

/** The admin port: a separate server, every route behind the bearer token. */
final class AdminVerticle extends ServingVerticle {

  private final BulwarkConfig config;
  private final ServerParts parts;
  private final String token;

  AdminVerticle(BulwarkConfig config, ServerParts parts, String token, IntConsumer boundPort) {
    super("admin.port", config.http().shutdownGrace(), boundPort);
    this.config = config;
    this.parts = parts;
    this.token = token;
  }

  @Override
  Router router() {
    Router router = Router.router(vertx);
    AdminRoutes.noStore(router);
    router.route().handler(BearerTokenHandler.create(token));
    AdminRoutes.mount(router, parts.status(), parts.health()::summary);
    RouterAssembly.answerHeadLikeGet(router);
    RouterAssembly.renderErrors(router, new ErrorHandlerImpl(config.http().retryAfter(), parts.rejected()));
    parts.status().seal();
    return router;
  }

  @Override
  HttpServerOptions serverOptions() {
    return new HttpServerOptions().setHost(config.admin().host()).setPort(config.admin().port());
  }

  @Override
  RejectedRequests rejected() {
    return parts.rejected();
  }
}
