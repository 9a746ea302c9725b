package dev.bulwark.health;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of the health checks. A new object holds the defaults; a value outside its range is rejected with an
 * {@link IllegalArgumentException} naming the field.
 */
public final class HealthOptions {

  /** 0s: never say {@code needs-restart}. */
  public static final Duration DEFAULT_MAX_UPTIME = Duration.ofHours(24);
  public static final Duration MIN_MAX_UPTIME = Duration.ZERO;
  public static final Duration MAX_MAX_UPTIME = Duration.ofDays(365);

  private Duration maxUptime = DEFAULT_MAX_UPTIME;

  /** The defaults. */
  public HealthOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public HealthOptions(HealthOptions other) {
    maxUptime = other.maxUptime;
  }

  public Duration maxUptime() {
    return maxUptime;
  }

  public HealthOptions setMaxUptime(Duration maxUptime) {
    if (maxUptime == null || maxUptime.compareTo(MIN_MAX_UPTIME) < 0 || maxUptime.compareTo(MAX_MAX_UPTIME) > 0) {
      throw new IllegalArgumentException("maxUptime = " + maxUptime + ": expected " + MIN_MAX_UPTIME + " to "
          + MAX_MAX_UPTIME);
    }
    this.maxUptime = maxUptime;
    return this;
  }

  /** These options under the keys of the {@code health} config section, in forms the config accepts. */
  public JsonObject toJson() {
    return new JsonObject().put("maxUptime", maxUptime.toMillis() + "ms");
  }
}
