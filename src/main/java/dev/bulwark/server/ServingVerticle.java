package dev.bulwark.server;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import dev.bulwark.tls.TlsOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A verticle that serves one router on one port, reports the port it bound and its server to the {@link Listeners}
 * (the graceful shutdown drains them all at once, before any verticle stops); stopping closes what is left.
 */
abstract class ServingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ServingVerticle.class);

  private final Listeners listeners;
  private final IntConsumer boundPort;
  private final String portKey;
  private HttpServer server;

  /** {@code portKey} names the config key to change when the port is taken. */
  ServingVerticle(String portKey, Listeners listeners, IntConsumer boundPort) {
    this.portKey = portKey;
    this.listeners = listeners;
    this.boundPort = boundPort;
  }

  /** Builds the router, on this verticle's event loop. */
  abstract Router router();

  abstract HttpServerOptions serverOptions();

  /** Where this port counts the requests it refuses as malformed. */
  abstract RejectedRequests rejected();

  /** Adds what this port needs to its server before it listens (a connection handler, say); nothing by default. */
  HttpServer configure(HttpServer server) {
    return server;
  }

  /**
   * A connection failed before Vert.x made it a connection of this port (a TLS handshake that failed or timed out) or
   * with no handler of its own: the network's or the client's doing, logged at DEBUG only.
   */
  void connectionFailed(Throwable failure) {
    LOG.debug("Connection failed on {}: {}", portKey, failure.toString());
  }

  /**
   * {@code options} with {@code tls} applied when it is on: the PEM certificate chain and key, ALPN offering HTTP/2
   * and HTTP/1.1 (Vert.x's default list) on the JDK's TLS engine, the handshake deadline, and with a client CA file,
   * client certificates it issued required.
   */
  static HttpServerOptions withTls(HttpServerOptions options, TlsOptions tls) {
    if (!tls.enabled()) {
      return options;
    }
    options.setSsl(true).setUseAlpn(true)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certFile()).setKeyPath(tls.keyFile()))
        .setSslHandshakeTimeout(tls.handshakeTimeout().toMillis())
        .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS);
    if (tls.mutual()) {
      options.setClientAuth(ClientAuth.REQUIRED).setTrustOptions(new PemTrustOptions().addCertPath(tls.clientCaFile()));
    }
    return options;
  }

  /** Runs once the port is bound, before the start completes (to publish something that names the port, say). */
  Future<?> bound(int port) {
    return Future.succeededFuture();
  }

  /** Runs once the server has shut down, to release what {@link #bound} took; nothing by default. */
  Future<?> stopped() {
    return Future.succeededFuture();
  }

  @Override
  public final Future<?> start() {
    Router router = router();
    HttpServerOptions options = serverOptions();
    return configure(vertx.createHttpServer(options))
        .requestHandler(router)
        .invalidRequestHandler(new InvalidRequestHandler(rejected()))
        // A connection's I/O failure (a reset, a broken pipe) is the network's or the client's doing, and Vert.x logs
        // one at ERROR when nobody handles it: a client could fill the log with them.
        .exceptionHandler(this::connectionFailed)
        .listen()
        .onSuccess(s -> {
          server = s;
          listeners.add(portKey, s);
          boundPort.accept(s.actualPort());
        })
        .recover(e -> Future.failedFuture(new IllegalStateException("cannot listen on " + options.getHost() + ":"
            + Math.max(0, options.getPort()) + " (" + portKey + "): " + e.getMessage(), e)))
        .compose(s -> bound(s.actualPort()));
  }

  @Override
  public final Future<?> stop() {
    // After a graceful shutdown this finds the server shut already; otherwise (a failed start) it closes it now.
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(this::stopped);
  }
}
