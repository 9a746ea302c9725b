package dev.bulwark.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Weigher;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Executor;

/**
 * One named cache, bounded twice: by bytes ({@code maxWeight}, each entry weighed as the bytes it really retains: key,
 * value and entry overhead) and by entries ({@code maxEntries}, enforced by giving every entry at least
 * {@code maxWeight / maxEntries} of weight). Caffeine evicts the least valuable entries first (W-TinyLFU, not FIFO).
 * With {@code redis: true} a {@link SharedTier} sits behind it. Thread-safe; shared by every event loop.
 */
public final class BoundedCache {

  /** Bytes an entry costs beyond its key and value: Caffeine's node, the record, array and string headers. */
  static final int ENTRY_OVERHEAD = 160;

  private final CacheOptions.Named options;
  private final Cache<String, CachedValue> cache;
  private final SharedTier tier;

  BoundedCache(CacheOptions.Named options, Executor executor, SharedTier tier) {
    this.options = options;
    this.tier = tier;
    int minWeight = (int) Math.min(Integer.MAX_VALUE, Math.max(1, options.maxWeight() / options.maxEntries()));
    Weigher<String, CachedValue> weigher = (key, value) -> Math.max(minWeight, weigh(key, value));
    Caffeine<String, CachedValue> builder = Caffeine.newBuilder()
        .executor(executor)
        .maximumWeight(options.maxWeight())
        .weigher(weigher)
        .recordStats();
    if (!options.expireAfterWrite().isZero()) {
      builder.expireAfterWrite(options.expireAfterWrite());
    }
    if (!options.expireAfterAccess().isZero()) {
      builder.expireAfterAccess(options.expireAfterAccess());
    }
    this.cache = builder.build();
  }

  /** Estimated retained bytes of one entry. */
  static int weigh(String key, CachedValue value) {
    long bytes = ENTRY_OVERHEAD + 2L * key.length() + value.bytes().length + 2L * value.contentType().length();
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  public String name() {
    return options.name();
  }

  /** The local entry, or, for a shared cache, the one in Redis (then kept locally); null when absent. */
  public Future<CachedValue> get(String key) {
    CachedValue local = cache.getIfPresent(key);
    if (local != null || tier == null) {
      return Future.succeededFuture(local);
    }
    return tier.get(key).onSuccess(shared -> {
      if (shared != null) {
        cache.put(key, shared);
      }
    });
  }

  /** Stores the entry; for a shared cache, in Redis first (fails with 503 {@code backend_unavailable} if down). */
  public Future<Void> put(String key, CachedValue value) {
    if (tier == null) {
      cache.put(key, value);
      return Future.succeededFuture();
    }
    return tier.put(key, value).onSuccess(v -> cache.put(key, value));
  }

  public Future<Void> invalidate(String key) {
    cache.invalidate(key);
    return tier == null ? Future.succeededFuture() : tier.delete(key);
  }

  /** Bounds the cache's bytes to {@code fraction} of its budget (1 restores it); evicts at once if over. */
  void limitTo(double fraction) {
    cache.policy().eviction().ifPresent(e -> e.setMaximum((long) (options.maxWeight() * fraction)));
  }

  /** The byte budget this cache is bounded by ({@code caches.<name>.maxWeight}). */
  public long maxWeight() {
    return options.maxWeight();
  }

  /** Weighed bytes held now, as Caffeine accounts them (writes not yet applied by its maintenance excepted). */
  public long weightBytes() {
    return cache.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  Cache<String, CachedValue> caffeine() {
    return cache;
  }

  /** The stats document of {@code GET /cache/{name}}. */
  public JsonObject stats() {
    cache.cleanUp(); // applies pending writes, so the figures below are exact; bounded work
    CacheStats s = cache.stats();
    return new JsonObject()
        .put("name", options.name())
        .put("entries", cache.estimatedSize())
        .put("weightBytes", weightBytes())
        .put("maxWeightBytes", options.maxWeight())
        .put("maxEntries", options.maxEntries())
        .put("hits", s.hitCount())
        .put("misses", s.missCount())
        .put("evictions", s.evictionCount())
        .put("hitRate", Math.round(s.hitRate() * 10_000) / 10_000.0);
  }

  /** Applies pending evictions now (tests and benchmarks read exact figures after it). */
  public void cleanUp() {
    cache.cleanUp();
  }
}
