package dev.bulwark.server;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

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
  public static final String STANDALONE = "standalone";
  public static final String SENTINEL = "sentinel";
  public static final String CLUSTER = "cluster";
  public static final List<String> TYPES = List.of(STANDALONE, SENTINEL, CLUSTER);
  public static final String DEFAULT_TYPE = STANDALONE;
  public static final int MAX_ENDPOINTS = 32;

  private String url = DEFAULT_URL;
  private int maxPoolSize = DEFAULT_MAX_POOL_SIZE;
  private int maxPoolWaiting = DEFAULT_MAX_POOL_WAITING;
  private boolean required = DEFAULT_REQUIRED;
  private String keyPrefix = DEFAULT_KEY_PREFIX;
  private String type = DEFAULT_TYPE;
  private List<String> endpoints = List.of();
  private String masterName = "";
  private String password = "";

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
    type = other.type;
    endpoints = other.endpoints;
    masterName = other.masterName;
    password = other.password;
  }

  /** The Redis URL, or an empty string when Redis is off. */
  public String url() {
    return url;
  }

  /** {@code redis://host:port[/db]}, {@code rediss://...}, or empty for no Redis. */
  public RedisOptions setUrl(String url) {
    if (url == null || !url.isEmpty() && !isRedisUrl(url)) {
      throw new IllegalArgumentException("url = (hidden): expected redis://host:port[/db], rediss://... or empty");
    }
    this.url = url;
    return this;
  }

  private static boolean isRedisUrl(String url) {
    return url.startsWith("redis://") || url.startsWith("rediss://");
  }

  /** Redis is on when a URL or at least one endpoint is set. */
  public boolean enabled() {
    return !url.isEmpty() || !endpoints.isEmpty();
  }

  /** {@code standalone}, {@code sentinel} or {@code cluster}. */
  public String type() {
    return type;
  }

  public RedisOptions setType(String type) {
    Ranges.check(TYPES.contains(type), "type", type, String.join(", ", TYPES));
    this.type = type;
    return this;
  }

  /** The endpoints as configured (for sentinel: the sentinels); empty when only the URL is set. */
  public List<String> endpoints() {
    return endpoints;
  }

  /** Each a {@code redis://} or {@code rediss://} URL, at most {@link #MAX_ENDPOINTS}. */
  public RedisOptions setEndpoints(List<String> endpoints) {
    if (endpoints == null || endpoints.size() > MAX_ENDPOINTS
        || !endpoints.stream().allMatch(RedisOptions::isRedisUrl)) {
      throw new IllegalArgumentException("endpoints = (hidden): expected at most " + MAX_ENDPOINTS
          + " redis://host:port or rediss://... URLs");
    }
    this.endpoints = List.copyOf(endpoints);
    return this;
  }

  /** The URLs the client connects to: the endpoints when set, else the URL alone, else none. */
  public List<String> connectionStrings() {
    return !endpoints.isEmpty() ? endpoints : url.isEmpty() ? List.of() : List.of(url);
  }

  /** The master group the sentinels watch; empty unless the type is sentinel. */
  public String masterName() {
    return masterName;
  }

  public RedisOptions setMasterName(String masterName) {
    Ranges.check(masterName != null, "masterName", null, "a string");
    this.masterName = masterName;
    return this;
  }

  /** The password sent on connecting (AUTH), empty for none or the one in the URLs. */
  public String password() {
    return password;
  }

  public RedisOptions setPassword(String password) {
    Ranges.check(password != null, "password", "(hidden)", "a string");
    this.password = password;
    return this;
  }

  /**
   * Why these options cannot run together, or null: a sentinel or cluster type without endpoints, a sentinel type
   * without its master name.
   */
  public String problem() {
    if (!type.equals(STANDALONE) && connectionStrings().isEmpty()) {
      return "redis.type = " + type + ": needs redis.endpoints (or redis.url) to be set";
    }
    if (type.equals(SENTINEL) && masterName.isEmpty()) {
      return "redis.type = sentinel: needs redis.masterName, the master group the sentinels watch";
    }
    return null;
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
        .put("keyPrefix", keyPrefix)
        .put("type", type)
        .put("endpoints", new JsonArray(endpoints.stream().map(e -> (Object) "****").toList()))
        .put("masterName", masterName)
        .put("password", password.isEmpty() ? "" : "****");
  }
}
