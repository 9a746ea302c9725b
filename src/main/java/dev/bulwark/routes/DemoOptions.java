package dev.bulwark.routes;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of the safe versions of the article's leaky routes ({@code /demo/*}). A new object holds the defaults; a
 * value outside its range is rejected with an {@link IllegalArgumentException} naming the field.
 */
public final class DemoOptions {

  public static final Duration DEFAULT_MAX_DELAY = Duration.ofSeconds(10);
  public static final Duration MIN_MAX_DELAY = Duration.ZERO;
  public static final Duration MAX_MAX_DELAY = Duration.ofHours(1);

  private Duration maxDelay = DEFAULT_MAX_DELAY;

  /** The defaults. */
  public DemoOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public DemoOptions(DemoOptions other) {
    maxDelay = other.maxDelay;
  }

  public Duration maxDelay() {
    return maxDelay;
  }

  public DemoOptions setMaxDelay(Duration maxDelay) {
    if (maxDelay == null || maxDelay.compareTo(MIN_MAX_DELAY) < 0 || maxDelay.compareTo(MAX_MAX_DELAY) > 0) {
      throw new IllegalArgumentException("maxDelay = " + maxDelay + ": expected " + MIN_MAX_DELAY + " to "
          + MAX_MAX_DELAY);
    }
    this.maxDelay = maxDelay;
    return this;
  }

  /** These options under the keys of the {@code demo} config section, in forms the config accepts. */
  public JsonObject toJson() {
    return new JsonObject().put("maxDelay", maxDelay.toMillis() + "ms");
  }
}
