package dev.bulwark.server;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;

/**
 * Options of the one Redis the process uses for sessions and shared cache entries, when a URL is set. A new object
 * holds the defaults (no Redis); every setter rejects a value outside its range with an
 * {@link IllegalArgumentException} naming the field, and never puts the URL, which may hold a password, in a message.
 */
public final class RedisOptions {

  /** No Redis: sessions and caches stay local. */
  public static final String DEFAULT_URL = "";
  public static final int DEFAULT_MAX_POOL_SIZE = 8;
  public static final int MIN_MAX_POOL_SIZE = 1;
  public static final int MAX_MAX_POOL_SIZE = 1024;
  public static final int DEFAULT_MAX_POOL_WAITING = 64;
  public static final int MIN_MAX_POOL_WAITING = 0;
  public static final int MAX_MAX_POOL_WAITING = 100_000;
  public static final boolean DEFAULT_REQUIRED = false;
  public static final String DEFAULT_KEY_PREFIX = "bulwark:";

  private String url = DEFAULT_URL;
  private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
  private int maxPoolWaiting = DEFAULT_MAX_POOL_WAITING;
  private boolean required = DEFAULT_REQUIRED;
  private String keyPrefix = DEFAULT_KEY_PREFIX;

  /** The defaults. */
  public RedisOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public RedisOptions(RedisOptions other) {
    url = other.url;
    maxPoolSize = other.maxPoolSize;
    maxPoolWaiting = other.maxPoolWaiting;
    required = other.required;
    keyPrefix = other.keyPrefix;
  }

  /** The Redis URL, or an empty string when Redis is off. */
  public String url() {
    return url;
  }

  /** {@code redis://host:port[/db]}, {@code rediss://...}, or empty for no Redis. */
  public RedisOptions setUrl(String url) {
    if (url == null || !url.isEmpty() && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new IllegalArgumentException("url = (hidden): expected redis://host:port[/db], rediss://... or empty");
    }
    this.url = url;
    return this;
  }

  public boolean enabled() {
    return !url.isEmpty();
  }

  public int maxPoolSize() {
    return maxPoolSize;
  }

  public RedisOptions setMaxPoolSize(int maxPoolSize) {
    Ranges.check(maxPoolSize >= MIN_MAX_POOL_SIZE && maxPoolSize <= MAX_MAX_POOL_SIZE, "maxPoolSize", maxPoolSize,
        MIN_MAX_POOL_SIZE + " to " + MAX_MAX_POOL_SIZE);
    this.maxPoolSize = maxPoolSize;
    return this;
  }

  public int maxPoolWaiting() {
    return maxPoolWaiting;
  }

  public RedisOptions setMaxPoolWaiting(int maxPoolWaiting) {
    Ranges.check(maxPoolWaiting >= MIN_MAX_POOL_WAITING && maxPoolWaiting <= MAX_MAX_POOL_WAITING, "maxPoolWaiting",
        maxPoolWaiting, MIN_MAX_POOL_WAITING + " to " + MAX_MAX_POOL_WAITING);
    this.maxPoolWaiting = maxPoolWaiting;
    return this;
  }

  public boolean required() {
    return required;
  }

  public RedisOptions setRequired(boolean required) {
    this.required = required;
    return this;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  public RedisOptions setKeyPrefix(String keyPrefix) {
    Ranges.check(keyPrefix != null, "keyPrefix", null, "a string");
    this.keyPrefix = keyPrefix;
    return this;
  }

  /** These options under the keys of the {@code redis} config section; a URL that is set shows as {@code ****}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("url", url.isEmpty() ? "" : "****")
        .put("maxPoolSize", maxPoolSize)
        .put("maxPoolWaiting", maxPoolWaiting)
        .put("required", required)
        .put("keyPrefix", keyPrefix);
  }
}
