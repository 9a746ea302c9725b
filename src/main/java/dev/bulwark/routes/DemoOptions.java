package dev.bulwark.routes;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.time.Duration;

/** The {@code demo} section: bounds on the safe versions of the article's leaky routes. */
public final class DemoOptions {

  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);

  private final Duration maxDelay;

  public DemoOptions(Section s) throws ConfigException {
    maxDelay = s.duration("maxDelay", DEFAULT_MAX_DELAY, Duration.ZERO, Duration.ofHours(1),
        "Largest `ms` the `/demo/*` routes accept; larger: 400 `bad_parameter`.");
  }

  public Duration maxDelay() {
    return maxDelay;
  }
}
