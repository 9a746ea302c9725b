package dev.bulwark.server;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;

/** The {@code redis} section: the one Redis the process uses for sessions and shared cache entries, when set. */
public final class RedisOptions {

  private final String url;
  private final int maxPoolSize;
  private final int maxPoolWaiting;
  private final boolean required;
  private final String keyPrefix;

  public RedisOptions(Section s) throws ConfigException {
    url = s.secret("url", "", "Redis to use, e.g. `redis://127.0.0.1:6379/0` (may hold a password); empty: none, "
        + "sessions stay local.");
    maxPoolSize = s.integer("maxPoolSize", 8, 1, 1024, "Connections the Redis client keeps at most.");
    maxPoolWaiting = s.integer("maxPoolWaiting", 64, 0, 100_000,
        "Commands that may wait for a connection; more: 503 `backend_unavailable`.");
    required = s.bool("required", false, "While Redis is unreachable, `/health/ready` is DOWN (`redis_unavailable`).");
    keyPrefix = s.string("keyPrefix", "bulwark:", "Prefix of every key Bulwark writes, so it never shares a keyspace "
        + "it could disturb; sessions under `<prefix>session:`, caches under `<prefix>cache:<name>:`.");
    if (!url.isEmpty() && !url.startsWith("redis://") && !url.startsWith("rediss://")) {
      throw new ConfigException("redis.url = (hidden): expected redis://host:port[/db] or rediss://...");
    }
  }

  /** The Redis URL, or an empty string when Redis is off. */
  public String url() {
    return url;
  }

  public boolean enabled() {
    return !url.isEmpty();
  }

  public int maxPoolSize() {
    return maxPoolSize;
  }

  public int maxPoolWaiting() {
    return maxPoolWaiting;
  }

  public boolean required() {
    return required;
  }

  public String keyPrefix() {
    return keyPrefix;
  }
}
