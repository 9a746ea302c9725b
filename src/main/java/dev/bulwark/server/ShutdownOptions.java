package dev.bulwark.server;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of the graceful shutdown ({@code shutdown}): how long readiness is DOWN while the ports still serve, so load
 * balancers stop sending, then how long the requests in progress may take to finish once the ports stop accepting. A
 * new object holds the defaults; every setter rejects a value outside its range with an
 * {@link IllegalArgumentException} naming the field.
 */
public final class ShutdownOptions {

  /** Long enough for a load balancer probing readiness every second or two to see it DOWN a few times. */
  public static final Duration DEFAULT_READINESS_GRACE = Duration.ofSeconds(5);
  public static final Duration MIN_READINESS_GRACE = Duration.ZERO;
  public static final Duration MAX_READINESS_GRACE = Duration.ofMinutes(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration MIN_TIMEOUT = Duration.ZERO;
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);

  private Duration readinessGrace = DEFAULT_READINESS_GRACE;
  private Duration timeout = DEFAULT_TIMEOUT;

  /** The defaults. */
  public ShutdownOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public ShutdownOptions(ShutdownOptions other) {
    readinessGrace = other.readinessGrace;
    timeout = other.timeout;
  }

  public Duration readinessGrace() {
    return readinessGrace;
  }

  /** 0s stops accepting at once, readiness DOWN and the drain starting together. */
  public ShutdownOptions setReadinessGrace(Duration readinessGrace) {
    this.readinessGrace = Ranges.of("readinessGrace", readinessGrace, MIN_READINESS_GRACE, MAX_READINESS_GRACE);
    return this;
  }

  public Duration timeout() {
    return timeout;
  }

  /** 0s closes what is in progress as soon as the ports stop accepting. */
  public ShutdownOptions setTimeout(Duration timeout) {
    this.timeout = Ranges.of("timeout", timeout, MIN_TIMEOUT, MAX_TIMEOUT);
    return this;
  }

  /** These options under the keys of the {@code shutdown} config section, in forms the config accepts. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("readinessGrace", readinessGrace.toMillis() + "ms")
        .put("timeout", timeout.toMillis() + "ms");
  }
}
