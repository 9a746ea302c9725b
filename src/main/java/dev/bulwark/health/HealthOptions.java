package dev.bulwark.health;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.time.Duration;

/** The {@code health} section. */
public final class HealthOptions {

  public static final Duration DEFAULT_MAX_UPTIME = Duration.ofHours(24);

  private final Duration maxUptime;

  public HealthOptions(Section s) throws ConfigException {
    maxUptime = s.duration("maxUptime", DEFAULT_MAX_UPTIME, Duration.ZERO, Duration.ofDays(365),
        "After this uptime `/health` says `needs-restart` (a signal for an orchestrator); 0s never.");
  }

  public Duration maxUptime() {
    return maxUptime;
  }
}
