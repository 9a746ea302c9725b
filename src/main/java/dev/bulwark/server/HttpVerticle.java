package dev.bulwark.server;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.scope.VerticleScope;
import dev.bulwark.stream.UploadOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/** One instance per event loop: its own router, guards and server handle on the shared main port. */
final class HttpVerticle extends ServingVerticle {

  /** The key its port is configured by, which also names it among the server's listeners. */
  static final String PORT_KEY = "http.port";

  private final BulwarkConfig config;
  private final ServerParts parts;
  private final AdmissionHandler admission;
  private final Supplier<List<RouteModule>> modules;
  private final Function<RouteModule, String> sourceOf;

  HttpVerticle(BulwarkConfig config, ServerParts parts, AdmissionHandler admission,
      Supplier<List<RouteModule>> modules, Function<RouteModule, String> sourceOf, IntConsumer boundPort) {
    super(PORT_KEY, parts.listeners(), boundPort);
    this.config = config;
    this.parts = parts;
    this.admission = admission;
    this.modules = modules;
    this.sourceOf = sourceOf;
  }

  @Override
  Router router() {
    // Created on this verticle's context, so undeploying the verticle (and so shutdown) releases it.
    VerticleScope scope = VerticleScope.create(vertx, config.scope(), parts.scopes());
    return RouterAssembly.build(vertx, config, parts, admission, scope, modules.get(), sourceOf);
  }

  @Override
  HttpServer configure(HttpServer server) {
    return server.connectionHandler(parts.connections());
  }

  @Override
  HttpServerOptions serverOptions() {
    return serverOptions(config.http(), config.uploads());
  }

  @Override
  void connectionFailed(Throwable failure) {
    parts.connections().failed(failure);
    super.connectionFailed(failure);
  }

  /**
   * Vert.x's port for "one free port shared by every instance": with plain 0 each instance would bind a free port of
   * its own (Vert.x shares a server only between equal ports, and 0 is never shared), and all but one event loop would
   * be unreachable on the port reported.
   */
  static final int SHARED_FREE_PORT = -1;

  /**
   * The main port's server options; its connections' decoders are made from them too. Vert.x decodes every form body
   * of the port (uploads' multipart among them) with its form limits, so those come from the {@code uploads} section;
   * its decoder counts files as fields, hence the sum. HTTP/2 (over TLS or h2c) gets the same header limit: a header
   * list past it is answered 431 on its stream by Netty (far past it, the connection is closed with GOAWAY).
   */
  static HttpServerOptions serverOptions(HttpOptions http, UploadOptions uploads) {
    HttpServerOptions options = new HttpServerOptions()
        .setMaxFormFields(uploads.maxFields() + uploads.maxFiles())
        .setMaxFormAttributeSize(uploads.maxFieldSize())
        .setHost(http.host())
        .setPort(http.port() == 0 ? SHARED_FREE_PORT : http.port())
        .setMaxHeaderSize(http.maxHeaderSize())
        .setMaxInitialLineLength(http.maxInitialLineLength())
        // In milliseconds: in seconds, 500ms would become 0, which is no idle timeout at all.
        .setIdleTimeout((int) http.idleTimeout().toMillis())
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setHandle100ContinueAutomatically(true)
        .setHttp2ClearTextEnabled(http.h2c());
    options.getInitialSettings().setMaxHeaderListSize(http.maxHeaderSize());
    return withTls(options, http.tls());
  }

  @Override
  RejectedRequests rejected() {
    return parts.rejected();
  }
}
