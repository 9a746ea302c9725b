package dev.bulwark.cache;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code cache} section (limits every cache route enforces) and the {@code caches} section (the named caches, each
 * bounded by entries and by bytes, with optional expiry). With no {@code caches} given, one cache named
 * {@code default} exists.
 */
public final class CacheOptions {

  public static final int DEFAULT_MAX_KEY_LENGTH = 256;
  public static final long DEFAULT_MAX_VALUE_SIZE = 64L << 10;
  public static final double DEFAULT_ELEVATED_FRACTION = 0.5;
  public static final int MAX_CACHES = 64;
  public static final String DEFAULT_CACHE = "default";

  /** One named cache. */
  public record Named(String name, int maxEntries, long maxWeight, Duration expireAfterWrite,
      Duration expireAfterAccess, boolean redis) {
  }

  private final int maxKeyLength;
  private final long maxValueSize;
  private final double elevatedFraction;
  private final Map<String, Named> caches;

  public CacheOptions(Section cache, Section caches, List<String> names) throws ConfigException {
    maxKeyLength = cache.integer("maxKeyLength", DEFAULT_MAX_KEY_LENGTH, 1, 4096,
        "Longest cache key (characters); longer: 400 `bad_key`.");
    maxValueSize = cache.size("maxValueSize", DEFAULT_MAX_VALUE_SIZE, 1, 64L << 20,
        "Largest cached value; larger: 413 `value_too_large` (by Content-Length before reading, else while reading).");
    elevatedFraction = cache.fraction("elevatedFraction", DEFAULT_ELEVATED_FRACTION, 0.05, 1,
        "At ELEVATED memory pressure every cache shrinks to this fraction of its byte budget, until NORMAL.");
    Map<String, Named> named = new LinkedHashMap<>();
    for (String name : names) {
      named.put(name, named(name, caches.section(name)));
    }
    this.caches = Collections.unmodifiableMap(named);
  }

  private static Named named(String name, Section s) throws ConfigException {
    int maxEntries = s.integer("maxEntries", 100_000, 1, 100_000_000, "Most entries this cache holds.");
    long maxWeight = s.size("maxWeight", 16L << 20, 1L << 10, 1L << 40,
        "Most bytes this cache holds (key, value and entry overhead, estimated); least valuable entries go first.");
    Duration write = s.duration("expireAfterWrite", Duration.ofHours(1), Duration.ZERO, Duration.ofDays(365),
        "An entry expires this long after it was written; 0s never.");
    Duration access = s.duration("expireAfterAccess", Duration.ZERO, Duration.ZERO, Duration.ofDays(365),
        "An entry expires this long after it was last read or written; 0s never.");
    boolean redis = s.bool("redis", false, "Shares entries through Redis (`redis.url`): read-through and "
        + "write-through with the same expiry; the local layer stays bounded and serves while Redis is down.");
    return new Named(name, maxEntries, maxWeight, write, access, redis);
  }

  public int maxKeyLength() {
    return maxKeyLength;
  }

  public long maxValueSize() {
    return maxValueSize;
  }

  public double elevatedFraction() {
    return elevatedFraction;
  }

  /** The named caches, in declaration order. */
  public Map<String, Named> caches() {
    return caches;
  }
}
