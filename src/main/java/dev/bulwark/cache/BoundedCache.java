package dev.bulwark.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Weigher;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One named cache, bounded twice: by bytes ({@code maxWeight}, each entry weighed as the bytes it really retains: key,
 * value and entry overhead) and by entries ({@code maxEntries}, enforced by giving every entry at least
 * {@code maxWeight / maxEntries} of weight). Caffeine evicts the least valuable entries first (W-TinyLFU, not FIFO).
 * With {@code redis: true} a {@link SharedTier} sits behind it and the {@link InvalidationChannel} keeps the local
 * copies coherent across instances. Thread-safe; shared by every event loop.
 */
public final class BoundedCache {

  /** Bytes an entry costs beyond its key and value: Caffeine's node, the record, array and string headers. */
  static final int ENTRY_OVERHEAD = 160;

  private final CacheOptions.Named options;
  private final Cache<String, CachedValue> cache;
  private final SharedTier tier;
  private final InvalidationChannel invalidations;
  /** Bumped by every invalidation received, so a read or write that raced one does not keep its value. */
  private final AtomicLong generation = new AtomicLong();

  BoundedCache(CacheOptions.Named options, Executor executor, SharedTier tier, InvalidationChannel invalidations) {
    this.options = options;
    this.tier = tier;
    this.invalidations = invalidations;
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

  /**
   * The local entry, or, for a shared cache, the one in Redis (then kept locally); null when absent. A shared cache
   * serves its local copy only while the invalidation channel is up or has been down at most {@code staleFor}; past
   * that it asks Redis, and a local copy Redis cannot confirm fails with 503 {@code backend_unavailable}.
   */
  public Future<CachedValue> get(String key) {
    CachedValue local = cache.getIfPresent(key);
    if (tier == null || local != null && invalidations.fresh(options.staleFor())) {
      return Future.succeededFuture(local);
    }
    long seen = generation.get();
    return tier.get(key).transform(ar -> {
      if (ar.failed()) {
        // A miss stays a miss while Redis is away; a copy that may be out of date is not served.
        return local == null ? Future.succeededFuture() : Future.failedFuture(ar.cause());
      }
      keepIfUnchanged(key, ar.result(), seen);
      return Future.succeededFuture(ar.result());
    });
  }

  /** Stores the entry; for a shared cache, in Redis first (fails with 503 {@code backend_unavailable} if down). */
  public Future<Void> put(String key, CachedValue value) {
    if (tier == null) {
      cache.put(key, value);
      return Future.succeededFuture();
    }
    long seen = generation.get();
    return tier.put(key, value).onSuccess(v -> keepIfUnchanged(key, value, seen));
  }

  public Future<Void> invalidate(String key) {
    cache.invalidate(key);
    // Dropped again once Redis has it: a read in between may have brought the old value back.
    return tier == null ? Future.succeededFuture() : tier.delete(key).onComplete(ar -> cache.invalidate(key));
  }

  /**
   * Keeps {@code value} as the local copy unless an invalidation of this cache arrived since {@code seen}: the value
   * may then be older than what Redis holds, and the invalidation that would have dropped it is already past.
   */
  private void keepIfUnchanged(String key, CachedValue value, long seen) {
    if (value != null && generation.get() == seen) {
      cache.put(key, value);
    } else {
      cache.invalidate(key);
    }
  }

  /** Drops the local copy of {@code key}: another instance changed it. */
  void dropLocal(String key) {
    generation.incrementAndGet();
    cache.invalidate(key);
  }

  /** Drops every local copy: invalidations may have been missed. */
  void clearLocal() {
    generation.incrementAndGet();
    cache.invalidateAll();
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
