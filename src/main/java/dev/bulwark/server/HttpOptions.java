package dev.bulwark.server;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.time.Duration;

/** The {@code http} section: the main port, its event loops and the limits every request meets first. */
public final class HttpOptions {

  public static final String DEFAULT_HOST = "0.0.0.0";
  public static final int DEFAULT_PORT = 8080;
  /** Zero means one instance per available core. */
  public static final int DEFAULT_INSTANCES = 0;
  public static final int MAX_INSTANCES = 64;
  public static final int DEFAULT_MAX_IN_FLIGHT = 10_000;
  public static final long DEFAULT_MAX_BODY_SIZE = 1L << 20;
  public static final long DEFAULT_MAX_HEADER_SIZE = 8L << 10;
  public static final long DEFAULT_MAX_INITIAL_LINE = 4L << 10;
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(1);
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final String host;
  private final int port;
  private final int instances;
  private final int maxInFlight;
  private final long maxBodySize;
  private final int maxHeaderSize;
  private final int maxInitialLineLength;
  private final Duration idleTimeout;
  private final Duration retryAfter;
  private final Duration shutdownGrace;
  private final Duration requestTimeout;

  public HttpOptions(Section s) throws ConfigException {
    host = s.string("host", DEFAULT_HOST, "Address the main port binds to.");
    port = s.integer("port", DEFAULT_PORT, 0, 65_535, "Main HTTP port; 0 picks a free one (logged).");
    instances = s.integer("instances", DEFAULT_INSTANCES, 0, MAX_INSTANCES,
        "Event loops, each with one HTTP verticle instance; 0 means one per core.");
    maxInFlight = s.integer("maxConcurrentRequests", DEFAULT_MAX_IN_FLIGHT, 1, 1_000_000,
        "Requests in progress at once, shared evenly by the event loops; past it: 503 `overloaded`.");
    maxBodySize = s.size("maxBodySize", DEFAULT_MAX_BODY_SIZE, 0, 1L << 40,
        "Largest request body a route accepts unless its own section allows more: 413 `request_too_large`.");
    maxHeaderSize = (int) s.size("maxHeaderSize", DEFAULT_MAX_HEADER_SIZE, 1L << 10, 1L << 20,
        "Largest total size of request headers; past it the request is refused (431).");
    maxInitialLineLength = (int) s.size("maxInitialLineLength", DEFAULT_MAX_INITIAL_LINE, 256, 1L << 20,
        "Longest request line (method, URI, version); past it the request is refused (414).");
    idleTimeout = s.duration("idleTimeout", DEFAULT_IDLE_TIMEOUT, Duration.ZERO, Duration.ofHours(24),
        "Closes a connection idle this long; 0s never does.");
    retryAfter = s.duration("retryAfter", DEFAULT_RETRY_AFTER, Duration.ofSeconds(1), Duration.ofHours(1),
        "`Retry-After` sent with every 503, in whole seconds.");
    shutdownGrace = s.duration("shutdownGrace", DEFAULT_SHUTDOWN_GRACE, Duration.ZERO, Duration.ofMinutes(10),
        "On SIGTERM, how long requests in progress may finish before connections are closed.");
    requestTimeout = s.duration("requestTimeout", DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(10), Duration.ofHours(1),
        "A request not answered in this time gets 503 `request_timeout` and its scope is released.");
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** Instances as configured: 0 means one per core; see {@link #resolvedInstances()}. */
  public int instances() {
    return instances;
  }

  /** The number of event loops and HTTP verticle instances to run on this machine. */
  public int resolvedInstances() {
    return instances > 0 ? instances : Math.min(MAX_INSTANCES, Runtime.getRuntime().availableProcessors());
  }

  public int maxInFlight() {
    return maxInFlight;
  }

  public long maxBodySize() {
    return maxBodySize;
  }

  public int maxHeaderSize() {
    return maxHeaderSize;
  }

  public int maxInitialLineLength() {
    return maxInitialLineLength;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration retryAfter() {
    return retryAfter;
  }

  public Duration shutdownGrace() {
    return shutdownGrace;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }
}
