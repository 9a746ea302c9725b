package dev.bulwark.cache;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Options of the caches: the limits every cache route enforces, and the named caches, each bounded by entries and by
 * bytes, with optional expiry. A new object holds the defaults, one cache named {@value #DEFAULT_CACHE}; every setter
 * and {@link Named} reject a value outside its range with an {@link IllegalArgumentException} naming the field.
 */
public final class CacheOptions {

  public static final int DEFAULT_MAX_KEY_LENGTH = 256;
  public static final int MIN_MAX_KEY_LENGTH = 1;
  public static final int MAX_MAX_KEY_LENGTH = 4096;
  public static final long DEFAULT_MAX_VALUE_SIZE = 64L << 10;
  public static final long MIN_MAX_VALUE_SIZE = 1;
  public static final long MAX_MAX_VALUE_SIZE = 64L << 20;
  public static final double DEFAULT_ELEVATED_FRACTION = 0.5;
  public static final double MIN_ELEVATED_FRACTION = 0.05;
  public static final double MAX_ELEVATED_FRACTION = 1;
  public static final int MAX_CACHES = 64;
  /**
   * Types served as they were stored: none that a browser would run or render as a page (HTML, SVG, XML, JavaScript),
   * so a stored value can never become a script on this origin.
   */
  public static final List<String> DEFAULT_INLINE_TYPES = List.of("text/plain", "application/json",
      "application/octet-stream", "image/png", "image/jpeg", "image/gif", "image/webp");
  public static final int MAX_INLINE_TYPES = 64;
  public static final String DEFAULT_CACHE = "default";
  /** What a cache's name may look like: it appears in paths, metrics and Redis keys. */
  public static final String NAME_PATTERN = "[a-z0-9][a-z0-9_-]{0,63}";

  /** One named cache; {@code Duration.ZERO} expiry means never. */
  public record Named(String name, int maxEntries, long maxWeight, Duration expireAfterWrite,
      Duration expireAfterAccess, boolean redis, Duration staleFor) {

    public static final int DEFAULT_MAX_ENTRIES = 100_000;
    public static final int MIN_MAX_ENTRIES = 1;
    public static final int MAX_MAX_ENTRIES = 100_000_000;
    public static final long DEFAULT_MAX_WEIGHT = 16L << 20;
    public static final long MIN_MAX_WEIGHT = 1L << 10;
    public static final long MAX_MAX_WEIGHT = 1L << 40;
    public static final Duration DEFAULT_EXPIRE_AFTER_WRITE = Duration.ofHours(1);
    public static final Duration DEFAULT_EXPIRE_AFTER_ACCESS = Duration.ZERO;
    public static final Duration MIN_EXPIRE = Duration.ZERO;
    public static final Duration MAX_EXPIRE = Duration.ofDays(365);
    public static final boolean DEFAULT_REDIS = false;
    /** Short: a local copy served unverified while the invalidation channel is down may be this much out of date. */
    public static final Duration DEFAULT_STALE_FOR = Duration.ofSeconds(2);
    public static final Duration MAX_STALE_FOR = Duration.ofHours(1);

    public Named {
      if (name == null || !name.matches(NAME_PATTERN)) {
        throw new IllegalArgumentException("name = " + name + ": expected " + NAME_PATTERN);
      }
      Ranges.of("maxEntries", maxEntries, MIN_MAX_ENTRIES, MAX_MAX_ENTRIES);
      Ranges.of("maxWeight", maxWeight, MIN_MAX_WEIGHT, MAX_MAX_WEIGHT);
      Ranges.of("expireAfterWrite", expireAfterWrite, MIN_EXPIRE, MAX_EXPIRE);
      Ranges.of("expireAfterAccess", expireAfterAccess, MIN_EXPIRE, MAX_EXPIRE);
      Ranges.of("staleFor", staleFor, Duration.ZERO, MAX_STALE_FOR);
    }

    /** A cache named {@code name} with the default limits. */
    public Named(String name) {
      this(name, DEFAULT_MAX_ENTRIES, DEFAULT_MAX_WEIGHT, DEFAULT_EXPIRE_AFTER_WRITE, DEFAULT_EXPIRE_AFTER_ACCESS,
          DEFAULT_REDIS, DEFAULT_STALE_FOR);
    }

    JsonObject toJson() {
      return new JsonObject()
          .put("maxEntries", maxEntries)
          .put("maxWeight", maxWeight)
          .put("expireAfterWrite", expireAfterWrite.toMillis() + "ms")
          .put("expireAfterAccess", expireAfterAccess.toMillis() + "ms")
          .put("redis", redis)
          .put("staleFor", staleFor.toMillis() + "ms");
    }

  }

  /** Off: hit counts and sizes tell a stranger what others look up. */
  public static final boolean DEFAULT_PUBLIC_STATS = false;
  private int maxKeyLength = DEFAULT_MAX_KEY_LENGTH;
  private long maxValueSize = DEFAULT_MAX_VALUE_SIZE;
  private double elevatedFraction = DEFAULT_ELEVATED_FRACTION;
  private List<String> inlineTypes = DEFAULT_INLINE_TYPES;
  private boolean publicStats = DEFAULT_PUBLIC_STATS;
  private Map<String, Named> caches = Map.of(DEFAULT_CACHE, new Named(DEFAULT_CACHE));

  /** The defaults. */
  public CacheOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public CacheOptions(CacheOptions other) {
    maxKeyLength = other.maxKeyLength;
    maxValueSize = other.maxValueSize;
    elevatedFraction = other.elevatedFraction;
    inlineTypes = other.inlineTypes;
    publicStats = other.publicStats;
    caches = other.caches;
  }

  public int maxKeyLength() {
    return maxKeyLength;
  }

  /** Media types a cached value is served as; anything else goes out as an attachment of octets. */
  /** Whether {@code GET /cache/{name}} answers on the main port; the statistics are on the admin port either way. */
  public boolean publicStats() {
    return publicStats;
  }

  public CacheOptions setPublicStats(boolean publicStats) {
    this.publicStats = publicStats;
    return this;
  }

  public List<String> inlineTypes() {
    return inlineTypes;
  }

  public CacheOptions setInlineTypes(List<String> inlineTypes) {
    if (inlineTypes.size() > MAX_INLINE_TYPES) {
      throw new IllegalArgumentException("inlineTypes: expected at most " + MAX_INLINE_TYPES + " media types");
    }
    List<String> lower = new java.util.ArrayList<>();
    for (String type : inlineTypes) {
      if (!type.matches("[A-Za-z0-9!#$&^_.+-]{1,64}/[A-Za-z0-9!#$&^_.+-]{1,64}")) {
        throw new IllegalArgumentException("inlineTypes: \"" + type + "\" is not a media type (type/subtype)");
      }
      lower.add(type.toLowerCase(java.util.Locale.ROOT));
    }
    this.inlineTypes = List.copyOf(lower);
    return this;
  }

  public CacheOptions setMaxKeyLength(int maxKeyLength) {
    this.maxKeyLength = (int) Ranges.of("maxKeyLength", maxKeyLength, MIN_MAX_KEY_LENGTH, MAX_MAX_KEY_LENGTH);
    return this;
  }

  public long maxValueSize() {
    return maxValueSize;
  }

  public CacheOptions setMaxValueSize(long maxValueSize) {
    this.maxValueSize = Ranges.of("maxValueSize", maxValueSize, MIN_MAX_VALUE_SIZE, MAX_MAX_VALUE_SIZE);
    return this;
  }

  public double elevatedFraction() {
    return elevatedFraction;
  }

  public CacheOptions setElevatedFraction(double elevatedFraction) {
    if (!(elevatedFraction >= MIN_ELEVATED_FRACTION && elevatedFraction <= MAX_ELEVATED_FRACTION)) {
      throw new IllegalArgumentException("elevatedFraction = " + elevatedFraction + ": expected "
          + MIN_ELEVATED_FRACTION + " to " + MAX_ELEVATED_FRACTION);
    }
    this.elevatedFraction = elevatedFraction;
    return this;
  }

  /** The named caches, in declaration order. */
  public Map<String, Named> caches() {
    return caches;
  }

  /** One to {@link #MAX_CACHES} caches with distinct names, kept in this order. */
  public CacheOptions setCaches(Collection<Named> caches) {
    Ranges.of("caches.size", caches == null ? 0 : caches.size(), 1, MAX_CACHES);
    Map<String, Named> byName = new LinkedHashMap<>();
    for (Named named : caches) {
      if (byName.put(named.name(), named) != null) {
        throw new IllegalArgumentException("caches: the name " + named.name() + " is given twice");
      }
    }
    this.caches = Collections.unmodifiableMap(byName);
    return this;
  }

  /** As {@link #setCaches(Collection)}. */
  public CacheOptions setCaches(Named... caches) {
    return setCaches(List.of(caches));
  }

  /** The limits under the keys of the {@code cache} config section, the caches under {@code caches}. */
  public JsonObject toJson() {
    JsonObject named = new JsonObject();
    caches.values().forEach(n -> named.put(n.name(), n.toJson()));
    return new JsonObject()
        .put("maxKeyLength", maxKeyLength)
        .put("maxValueSize", maxValueSize)
        .put("elevatedFraction", elevatedFraction)
        .put("inlineTypes", new io.vertx.core.json.JsonArray(inlineTypes))
        .put("publicStats", publicStats)
        .put("caches", named);
  }
}
