package dev.bulwark.server;

import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.spi.Ranges;
import dev.bulwark.stream.BodyLimitHandler;
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
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final Duration MIN_SHUTDOWN_GRACE = Duration.ZERO;
  public static final Duration MAX_SHUTDOWN_GRACE = Duration.ofMinutes(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = RequestScopeHandler.DEFAULT_REQUEST_TIMEOUT;
  /** Connections the main port keeps open at once, per process; past it a new one is closed at once. */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;
  public static final int MIN_MAX_CONNECTIONS = 1;
  public static final int MAX_MAX_CONNECTIONS = 1_000_000;
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
  private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private int maxConnections = DEFAULT_MAX_CONNECTIONS;

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
    shutdownGrace = other.shutdownGrace;
    requestTimeout = other.requestTimeout;
    maxConnections = other.maxConnections;
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

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public HttpOptions setShutdownGrace(Duration shutdownGrace) {
    this.shutdownGrace = Ranges.of("shutdownGrace", shutdownGrace, MIN_SHUTDOWN_GRACE, MAX_SHUTDOWN_GRACE);
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
        .put("shutdownGrace", shutdownGrace.toMillis() + "ms")
        .put("requestTimeout", requestTimeout.toMillis() + "ms")
        .put("maxConnections", maxConnections);
  }
}
