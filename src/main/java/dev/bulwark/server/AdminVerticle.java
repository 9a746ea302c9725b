package dev.bulwark.server;

import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.admin.AdminToken;
import dev.bulwark.admin.BearerTokenHandler;
import dev.bulwark.admin.BuildInfo;
import dev.bulwark.admin.DashboardRoutes;
import dev.bulwark.admin.DashboardSeries;
import dev.bulwark.admin.InfoRoutes;
import dev.bulwark.admin.LoggerRoutes;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.EffectiveConfig;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The admin port: a separate server, every route behind the bearer token but the dashboard's page and assets, which
 * hold no data. A generated token's file is written once the
 * port is bound (a second instance names its file after its admin port) and held until the port is closed.
 */
final class AdminVerticle extends ServingVerticle {

  private final BulwarkConfig config;
  private final ServerParts parts;
  private final AdminToken token;
  private final Consumer<AdminToken> written;
  private final DashboardRoutes dashboard;
  private AdminToken held;
  private long sampling = -1;

  /** {@code written} receives the token as written to its file (or as configured). */
  AdminVerticle(BulwarkConfig config, ServerParts parts, AdminToken token, DashboardRoutes dashboard,
      IntConsumer boundPort, Consumer<AdminToken> written) {
    super("admin.port", parts.listeners(), boundPort);
    this.config = config;
    this.parts = parts;
    this.token = token;
    this.written = written;
    this.dashboard = dashboard;
  }

  @Override
  Future<?> bound(int port) {
    return vertx.executeBlocking(() -> token.write(config.admin(), port)).onSuccess(t -> {
      held = t;
      written.accept(t);
    });
  }

  @Override
  Future<?> stopped() {
    vertx.cancelTimer(sampling);
    AdminToken release = held;
    return release == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      release.close();
      return null;
    });
  }

  @Override
  Router router() {
    Router router = Router.router(vertx);
    AdminRoutes.noStore(router);
    dashboard.mountPage(router); // before the token: the page and its assets only, which hold no data
    router.route().handler(BearerTokenHandler.create(token.value()));
    sampling = DashboardRoutes.mountSeries(vertx, router, new DashboardSeries(config.admin(), parts.status()::snapshot,
        config.memory().heap().elevated(), config.memory().heap().critical()));
    AdminRoutes.mount(router, parts.status(), parts.health()::summary);
    parts.diagnostics().mount(router);
    InfoRoutes.mount(router, BuildInfo.current(), parts.modules()::toJson, EffectiveConfig.of(config));
    LoggerRoutes.mount(router, config.admin(), parts.bodies());
    RouterAssembly.answerHeadLikeGet(router);
    RouterAssembly.renderErrors(router, new ErrorHandlerImpl(config.http().retryAfter(), parts.rejected(), config.http().closeLinger()));
    parts.status().seal();
    return router;
  }

  @Override
  HttpServerOptions serverOptions() {
    return withTls(new HttpServerOptions().setHost(config.admin().host()).setPort(config.admin().port()),
        config.admin().tls());
  }

  @Override
  RejectedRequests rejected() {
    return parts.rejected();
  }
}
