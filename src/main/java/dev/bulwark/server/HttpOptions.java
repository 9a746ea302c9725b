package dev.bulwark.server;

import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.spi.Ranges;
import dev.bulwark.stream.BodyLimitHandler;
import dev.bulwark.tls.TlsOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of the main port: its address, its event loops and the limits every request meets first. A new object holds
 * the defaults; every setter rejects a value outside its documented range with an {@link IllegalArgumentException}
 * naming the field, so an options object is always usable as it is.
 */
public final class HttpOptions {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  public static final int MIN_PORT = 0;
  public static final int MAX_PORT = 65_535;
  /** Zero means one instance per available core. */
  public static final int DEFAULT_INSTANCES = 0;
  public static final int MIN_INSTANCES = 0;
  public static final int MAX_INSTANCES = 64;
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
  public static final int MIN_MAX_IN_FLIGHT = 1;
  public static final int MAX_MAX_IN_FLIGHT = 1_000_000;
  public static final long DEFAULT_MAX_BODY_SIZE = BodyLimitHandler.DEFAULT_MAX_BODY_SIZE;
  public static final long MIN_MAX_BODY_SIZE = 0;
  public static final long MAX_MAX_BODY_SIZE = 1L << 40;
  public static final int DEFAULT_MAX_HEADER_SIZE = 8 << 10;
  public static final int MIN_MAX_HEADER_SIZE = 1 << 10;
  public static final int MAX_MAX_HEADER_SIZE = 1 << 20;
  public static final int DEFAULT_MAX_INITIAL_LINE = 4 << 10;
  public static final int MIN_MAX_INITIAL_LINE = 256;
  public static final int MAX_MAX_INITIAL_LINE = 1 << 20;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration MIN_IDLE_TIMEOUT = Duration.ZERO;
  public static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(24);
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  public static final Duration MIN_RETRY_AFTER = Duration.ofSeconds(1);
  public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = RequestScopeHandler.DEFAULT_REQUEST_TIMEOUT;
  /** Connections the main port keeps open at once, per process; 0 means {@link #resolvedMaxConnections(long)}. */
  public static final int DEFAULT_MAX_CONNECTIONS = 0;
  public static final int MIN_MAX_CONNECTIONS = 0;
  public static final int MAX_MAX_CONNECTIONS = 1_000_000;
  /** The bound {@code maxConnections} 0 gives when the open-file limit allows it. */
  public static final int AUTO_MAX_CONNECTIONS = 10_000;
  /** File descriptors the process needs besides client connections: jars, logs, the admin port, Redis, files. */
  public static final int FILES_BESIDES_CONNECTIONS = 256;
  /** How long a request head (request line and headers) may take to arrive whole. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration MIN_HEADER_TIMEOUT = Duration.ofMillis(100);
  public static final Duration MAX_HEADER_TIMEOUT = Duration.ofMinutes(10);
  /**
   * Off by default: with cleartext HTTP/2 (h2c) on, Vert.x makes an HTTP/1.x connection known only once its first
   * request head has arrived, so until then it escapes {@code maxConnections} and {@code headerTimeout}.
   */
  public static final boolean DEFAULT_H2C = false;
  /** How long a connection closed with its request body unread keeps draining it (see LingeringClose). */
  public static final Duration DEFAULT_CLOSE_LINGER = Duration.ofSeconds(2);
  public static final Duration MIN_CLOSE_LINGER = Duration.ZERO;
  public static final Duration MAX_CLOSE_LINGER = Duration.ofMinutes(1);
  public static final Duration MIN_REQUEST_TIMEOUT = Duration.ofMillis(10);
  public static final Duration MAX_REQUEST_TIMEOUT = Duration.ofHours(1);

  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private int instances = DEFAULT_INSTANCES;
  private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
  private long maxBodySize = DEFAULT_MAX_BODY_SIZE;
  private int maxHeaderSize = DEFAULT_MAX_HEADER_SIZE;
  private int maxInitialLineLength = DEFAULT_MAX_INITIAL_LINE;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private Duration retryAfter = DEFAULT_RETRY_AFTER;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
  private boolean h2c = DEFAULT_H2C;
  private TlsOptions tls = new TlsOptions();
  private Duration closeLinger = DEFAULT_CLOSE_LINGER;

  /** The defaults. */
  public HttpOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public HttpOptions(HttpOptions other) {
    host = other.host;
    port = other.port;
    instances = other.instances;
    maxInFlight = other.maxInFlight;
    maxBodySize = other.maxBodySize;
    maxHeaderSize = other.maxHeaderSize;
    maxInitialLineLength = other.maxInitialLineLength;
    idleTimeout = other.idleTimeout;
    retryAfter = other.retryAfter;
    requestTimeout = other.requestTimeout;
    maxConnections = other.maxConnections;
    headerTimeout = other.headerTimeout;
    h2c = other.h2c;
    tls = new TlsOptions(other.tls);
    closeLinger = other.closeLinger;
  }

  public String host() {
    return host;
  }

  public HttpOptions setHost(String host) {
    Ranges.check(host != null, "host", host, "a host name or address");
    this.host = host;
    return this;
  }

  public int port() {
    return port;
  }

  /** 0 picks a free port. */
  public HttpOptions setPort(int port) {
    Ranges.check(port >= MIN_PORT && port <= MAX_PORT, "port", port, MIN_PORT + " to " + MAX_PORT);
    this.port = port;
    return this;
  }

  /** Instances as configured: 0 means one per core; see {@link #resolvedInstances()}. */
  public int instances() {
    return instances;
  }

  public HttpOptions setInstances(int instances) {
    Ranges.check(instances >= MIN_INSTANCES && instances <= MAX_INSTANCES, "instances", instances,
        MIN_INSTANCES + " to " + MAX_INSTANCES);
    this.instances = instances;
    return this;
  }

  /** The number of event loops and HTTP verticle instances to run on this machine. */
  public int resolvedInstances() {
    return instances > 0 ? instances : Math.min(MAX_INSTANCES, Runtime.getRuntime().availableProcessors());
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public HttpOptions setMaxInFlight(int maxInFlight) {
    Ranges.check(maxInFlight >= MIN_MAX_IN_FLIGHT && maxInFlight <= MAX_MAX_IN_FLIGHT, "maxInFlight", maxInFlight,
        MIN_MAX_IN_FLIGHT + " to " + MAX_MAX_IN_FLIGHT);
    this.maxInFlight = maxInFlight;
    return this;
  }

  public long maxBodySize() {
    return maxBodySize;
  }

  public HttpOptions setMaxBodySize(long maxBodySize) {
    Ranges.check(maxBodySize >= MIN_MAX_BODY_SIZE && maxBodySize <= MAX_MAX_BODY_SIZE, "maxBodySize", maxBodySize,
        MIN_MAX_BODY_SIZE + " to " + MAX_MAX_BODY_SIZE);
    this.maxBodySize = maxBodySize;
    return this;
  }

  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  public HttpOptions setMaxHeaderSize(int maxHeaderSize) {
    Ranges.check(maxHeaderSize >= MIN_MAX_HEADER_SIZE && maxHeaderSize <= MAX_MAX_HEADER_SIZE, "maxHeaderSize",
        maxHeaderSize, MIN_MAX_HEADER_SIZE + " to " + MAX_MAX_HEADER_SIZE);
    this.maxHeaderSize = maxHeaderSize;
    return this;
  }

  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  public HttpOptions setMaxInitialLineLength(int maxInitialLineLength) {
    Ranges.check(maxInitialLineLength >= MIN_MAX_INITIAL_LINE && maxInitialLineLength <= MAX_MAX_INITIAL_LINE,
        "maxInitialLineLength", maxInitialLineLength, MIN_MAX_INITIAL_LINE + " to " + MAX_MAX_INITIAL_LINE);
    this.maxInitialLineLength = maxInitialLineLength;
    return this;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** 0s never closes an idle connection. */
  public HttpOptions setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = Ranges.of("idleTimeout", idleTimeout, MIN_IDLE_TIMEOUT, MAX_IDLE_TIMEOUT);
    return this;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  public HttpOptions setRetryAfter(Duration retryAfter) {
    this.retryAfter = Ranges.of("retryAfter", retryAfter, MIN_RETRY_AFTER, MAX_RETRY_AFTER);
    return this;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public HttpOptions setRequestTimeout(Duration requestTimeout) {
    this.requestTimeout = Ranges.of("requestTimeout", requestTimeout, MIN_REQUEST_TIMEOUT, MAX_REQUEST_TIMEOUT);
    return this;
  }

  public int maxConnections() {
    return maxConnections;
  }

  public HttpOptions setMaxConnections(int maxConnections) {
    Ranges.check(maxConnections >= MIN_MAX_CONNECTIONS && maxConnections <= MAX_MAX_CONNECTIONS, "maxConnections",
        maxConnections, MIN_MAX_CONNECTIONS + " to " + MAX_MAX_CONNECTIONS);
    this.maxConnections = maxConnections;
    return this;
  }

  /**
   * The connection bound to enforce, given the process's open-file limit ({@code openFiles}, or a negative number
   * when unknown): the configured one, or with 0 {@link #AUTO_MAX_CONNECTIONS} lowered to what the limit holds
   * besides {@link #FILES_BESIDES_CONNECTIONS}. A configured bound the limit cannot hold is refused.
   */
  public int resolvedMaxConnections(long openFiles) {
    long room = openFiles < 0 ? Long.MAX_VALUE : openFiles - FILES_BESIDES_CONNECTIONS;
    if (maxConnections == 0) {
      if (room < 1) {
        throw new IllegalArgumentException("maxConnections = 0 (automatic): the open-file limit (ulimit -n) is "
            + openFiles + ", which leaves no room for connections besides the " + FILES_BESIDES_CONNECTIONS
            + " files the process needs; raise it");
      }
      return (int) Math.min(AUTO_MAX_CONNECTIONS, room);
    }
    if (maxConnections > room) {
      throw new IllegalArgumentException("maxConnections = " + maxConnections + ": the open-file limit (ulimit -n) "
          + "is " + openFiles + ", which holds at most " + Math.max(0, room) + " connections besides the "
          + FILES_BESIDES_CONNECTIONS + " files the process needs; raise the limit or lower maxConnections");
    }
    return maxConnections;
  }

  public Duration headerTimeout() {
    return headerTimeout;
  }

  public HttpOptions setHeaderTimeout(Duration headerTimeout) {
    this.headerTimeout = Ranges.of("headerTimeout", headerTimeout, MIN_HEADER_TIMEOUT, MAX_HEADER_TIMEOUT);
    return this;
  }

  public Duration closeLinger() {
    return closeLinger;
  }

  public HttpOptions setCloseLinger(Duration closeLinger) {
    this.closeLinger = Ranges.of("closeLinger", closeLinger, MIN_CLOSE_LINGER, MAX_CLOSE_LINGER);
    return this;
  }

  /** Whether the port serves cleartext HTTP/2 (h2c) beside HTTP/1.x; never together with TLS. */
  public boolean h2c() {
    return h2c;
  }

  public HttpOptions setH2c(boolean h2c) {
    Ranges.check(!(h2c && tls.enabled()), "h2c", true, "false while TLS is on (over TLS, HTTP/2 is negotiated by ALPN)");
    this.h2c = h2c;
    return this;
  }

  /** TLS on the main port: with it on, the port speaks HTTPS, HTTP/2 and HTTP/1.1 negotiated by ALPN. */
  public TlsOptions tls() {
    return tls;
  }

  /** Takes a copy of {@code tls}; on together with h2c is refused. */
  public HttpOptions setTls(TlsOptions tls) {
    Ranges.check(tls != null, "tls", null, "TLS options");
    Ranges.check(!(tls.enabled() && h2c), "tls.enabled", true, "false while h2c is on (over TLS, HTTP/2 is negotiated "
        + "by ALPN)");
    this.tls = new TlsOptions(tls);
    return this;
  }

  /** These options under the keys of the {@code http} config section, in forms the config accepts. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("host", host)
        .put("port", port)
        .put("instances", instances)
        .put("maxConcurrentRequests", maxInFlight)
        .put("maxBodySize", maxBodySize)
        .put("maxHeaderSize", maxHeaderSize)
        .put("maxInitialLineLength", maxInitialLineLength)
        .put("idleTimeout", idleTimeout.toMillis() + "ms")
        .put("retryAfter", retryAfter.toMillis() + "ms")
        .put("requestTimeout", requestTimeout.toMillis() + "ms")
        .put("maxConnections", maxConnections)
        .put("headerTimeout", headerTimeout.toMillis() + "ms")
        .put("h2c", h2c)
        .put("tls", tls.toJson())
        .put("closeLinger", closeLinger.toMillis() + "ms");
  }
}
