package dev.bulwark.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import javax.net.ssl.SSLException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.impl.ConnectionBase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;

/**
 * What the main port checks of each connection as it opens, for the whole process: past {@code http.maxConnections}
 * open ones, or at CRITICAL pressure with {@code memory.refuseConnectionsWhenCritical}, it is closed at once, before
 * any of its requests is parsed, and counted; otherwise its HTTP/1.x request heads get {@code http.headerTimeout} to
 * arrive ({@link HeadDeadline}), its requests' framing is checked ({@link RequestFraming}) and its responses carry
 * {@code nosniff} ({@link NoSniffEncoder}). Over TLS a connection reaches it once its handshake has completed; the
 * handshakes that time out ({@code http.tls.handshakeTimeout}) or fail are counted here too. Per connection, not per
 * request: the hot path never sees it.
 */
final class ConnectionGuard implements Handler<HttpConnection> {

  private final int max;
  private final long headerTimeoutNanos;
  private final BooleanSupplier refuseNow;
  private final RejectedRequests rejected;
  private final HttpServerOptions decoderOptions;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder refused = new LongAdder();
  private final LongAdder refusedWhenCritical = new LongAdder();
  private final LongAdder headTimeouts = new LongAdder();
  private final LongAdder handshakeTimeouts = new LongAdder();
  private final LongAdder handshakeFailures = new LongAdder();

  /**
   * @param max the resolved {@code http.maxConnections}
   * @param refuseNow true while new connections are to be refused whatever their number (CRITICAL pressure)
   */
  /**
   * @param decoderOptions the main port's options when its connections reach this guard before any byte is decoded
   *     (cleartext HTTP/2 off), so their decoder may be replaced; null otherwise
   */
  /**
   * The guard of the main port as configured: {@code http.maxConnections} as resolved against the open-file limit
   * (a WARN when the automatic bound had to be lowered), {@code http.headerTimeout}, and, with
   * {@code memory.refuseConnectionsWhenCritical}, refusal while {@code level} is CRITICAL.
   */
  static ConnectionGuard create(dev.bulwark.config.BulwarkConfig config, RejectedRequests rejected,
      java.util.function.Supplier<dev.bulwark.memory.PressureLevel> level) {
    int max = config.maxConnections();
    if (config.http().maxConnections() == 0 && max < HttpOptions.AUTO_MAX_CONNECTIONS) {
      org.slf4j.LoggerFactory.getLogger(ConnectionGuard.class).warn("http.maxConnections is {} (automatic): the "
          + "open-file limit (ulimit -n) is {}; raise it to allow {}", max,
          dev.bulwark.config.BulwarkConfig.openFileLimit(), HttpOptions.AUTO_MAX_CONNECTIONS);
    }
    boolean refuse = config.memory().refuseConnectionsWhenCritical();
    return new ConnectionGuard(max, config.http().headerTimeout(),
        () -> refuse && level.get() == dev.bulwark.memory.PressureLevel.CRITICAL, rejected,
        config.http().h2c() ? null : HttpVerticle.serverOptions(config.http(), config.uploads()));
  }

  ConnectionGuard(int max, Duration headerTimeout, BooleanSupplier refuseNow, RejectedRequests rejected,
      HttpServerOptions decoderOptions) {
    this.max = max;
    this.decoderOptions = decoderOptions;
    this.rejected = rejected;
    this.headerTimeoutNanos = headerTimeout.toNanos();
    this.refuseNow = refuseNow;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (refuseNow.getAsBoolean()) {
      refusedWhenCritical.increment();
      connection.close();
      return;
    }
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refused.increment();
      connection.close();
      return;
    }
    connection.closeHandler(v -> open.decrementAndGet());
    // Vert.x offers no public hook into a connection's pipeline; its connections all extend ConnectionBase.
    if (connection instanceof ConnectionBase base) {
      Channel channel = base.channel();
      if (channel.eventLoop().inEventLoop()) {
        install(channel);
      } else {
        channel.eventLoop().execute(() -> install(channel));
      }
    }
  }

  private void install(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(HeadDeadline.DECODER) == null || pipeline.get(HeadDeadline.VERTX_HANDLER) == null) {
      return; // HTTP/2: frames, not heads; neither decoder nor encoder of HTTP/1.x to stand beside
    }
    HeadDeadline deadline = HeadDeadline.install(pipeline, headerTimeoutNanos, headTimeouts::increment);
    RequestFraming.install(pipeline, deadline, decoderOptions, rejected::record);
    NoSniffEncoder.install(pipeline);
  }

  /**
   * A connection failed before it became one of the port's: a TLS handshake past {@code http.tls.handshakeTimeout}
   * or refused (not TLS, no common protocol, a bad record) is counted; anything else is not this guard's business.
   */
  void failed(Throwable failure) {
    if (failure instanceof SslHandshakeTimeoutException) {
      handshakeTimeouts.increment();
    } else if (failure instanceof SSLException || failure.getCause() instanceof SSLException) {
      // Netty's NotSslRecordException (not TLS at all) is an SSLException too
      handshakeFailures.increment();
    }
  }

  long handshakeTimeouts() {
    return handshakeTimeouts.sum();
  }

  long handshakeFailures() {
    return handshakeFailures.sum();
  }

  int open() {
    return open.get();
  }

  long refused() {
    return refused.sum();
  }

  long refusedWhenCritical() {
    return refusedWhenCritical.sum();
  }

  long headTimeouts() {
    return headTimeouts.sum();
  }

  /** Fields of the {@code http} status section. */
  JsonObject toJson() {
    return new JsonObject().put("connections", open()).put("maxConnections", max).put("refusedConnections", refused())
        .put("refusedWhenCritical", refusedWhenCritical()).put("headTimeouts", headTimeouts())
        .put("headerTimeoutMs", headerTimeoutNanos / 1_000_000).put("tlsHandshakeTimeouts", handshakeTimeouts())
        .put("tlsHandshakeFailures", handshakeFailures());
  }

  void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.http.connections", this, ConnectionGuard::open)
        .description("Connections open on the main port").register(registry);
    FunctionCounter.builder("bulwark.http.connections.refused", this, ConnectionGuard::refused)
        .description("Connections closed at once because of a limit").tag("reason", "max_connections")
        .register(registry);
    FunctionCounter.builder("bulwark.http.connections.refused", this, ConnectionGuard::refusedWhenCritical)
        .description("Connections closed at once because of a limit").tag("reason", "critical_pressure")
        .register(registry);
    FunctionCounter.builder("bulwark.http.head.timeouts", this, ConnectionGuard::headTimeouts)
        .description("Connections closed because a request head did not arrive within http.headerTimeout")
        .register(registry);
    FunctionCounter.builder("bulwark.http.tls.handshake.failures", this, ConnectionGuard::handshakeTimeouts)
        .description("TLS handshakes on the main port that did not complete").tag("reason", "timeout")
        .register(registry);
    FunctionCounter.builder("bulwark.http.tls.handshake.failures", this, ConnectionGuard::handshakeFailures)
        .description("TLS handshakes on the main port that did not complete").tag("reason", "refused")
        .register(registry);
  }
}
