package dev.bulwark.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.bulwark.memory.MemorySignals;
import dev.bulwark.memory.PressureLevel;
import dev.bulwark.memory.PressureListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.redis.client.Redis;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The caches declared in config, by name. As a {@link PressureListener} it shrinks every cache to
 * {@code cache.elevatedFraction} of its byte budget while memory pressure is above NORMAL, and restores the budgets at
 * NORMAL.
 */
public final class NamedCaches implements PressureListener {

  private final CacheOptions options;
  private final Map<String, BoundedCache> caches = new LinkedHashMap<>();
  /** Shared caches only, by name: what the invalidation channel drops entries from. */
  private final Map<String, BoundedCache> shared = new ConcurrentHashMap<>();
  private final InvalidationChannel invalidations;

  private NamedCaches(CacheOptions options, Executor executor,
      BiFunction<CacheOptions.Named, InvalidationChannel, SharedTier> tiers,
      Function<Map<String, BoundedCache>, InvalidationChannel> channel) {
    this.options = options;
    boolean anyShared = tiers != null && options.caches().values().stream().anyMatch(CacheOptions.Named::redis);
    this.invalidations = anyShared ? channel.apply(shared) : null;
    for (CacheOptions.Named named : options.caches().values()) {
      boolean isShared = named.redis() && invalidations != null;
      BoundedCache cache = new BoundedCache(named, executor, isShared ? tiers.apply(named, invalidations) : null,
          isShared ? invalidations : null);
      caches.put(named.name(), cache);
      if (isShared) {
        shared.put(named.name(), cache);
      }
    }
  }

  /** Local caches only; {@code executor} runs Caffeine's maintenance (evictions, expiry). */
  public static NamedCaches create(CacheOptions options, Executor executor) {
    return new NamedCaches(options, executor, null, null);
  }

  /**
   * As {@link #create(CacheOptions, Executor)}; caches with {@code redis: true} share their entries through
   * {@code redis} under {@code <keyPrefix>cache:<name>:}, kept coherent by invalidations on the pub/sub channel
   * {@code <keyPrefix>cache-invalidations}, subscribed through {@code subscriber} (a client of its own: the
   * subscription holds its connection). Subscribes at once; {@link #close()} stops it.
   */
  public static NamedCaches create(CacheOptions options, Executor executor, Vertx vertx, Redis redis,
      Redis subscriber, String keyPrefix) {
    NamedCaches caches = new NamedCaches(options, executor,
        (named, channel) -> new SharedTier(redis, keyPrefix, named.name(), named.expireAfterWrite(), channel),
        shared -> new InvalidationChannel(vertx, subscriber, keyPrefix, shared));
    if (caches.invalidations != null) {
      caches.invalidations.start();
    }
    return caches;
  }

  /** Stops the invalidation channel, if any; never fails. */
  public Future<Void> close() {
    return invalidations == null ? Future.succeededFuture() : invalidations.close();
  }

  /** The cache of that name, or null. */
  public BoundedCache get(String name) {
    return caches.get(name);
  }

  public CacheOptions options() {
    return options;
  }

  @Override
  public void onPressure(PressureLevel level, MemorySignals signals) {
    double fraction = level == PressureLevel.NORMAL ? 1 : options.elevatedFraction();
    caches.values().forEach(c -> c.limitTo(fraction));
  }

  /** Adds each cache to the memory budget tree, as a child bounded by its {@code maxWeight}. */
  public void addBudgets(dev.bulwark.memory.MemoryBudget budget) {
    for (BoundedCache cache : caches.values()) {
      budget.tracked("cache." + cache.name(), "caches." + cache.name() + ".maxWeight", cache.maxWeight(),
          cache::weightBytes);
    }
  }

  /** The {@code caches} section of {@code /admin/status}. */
  public JsonArray toJson() {
    JsonArray out = new JsonArray();
    caches.values().forEach(c -> out.add(c.stats()));
    return out;
  }

  /** Size, hits, misses, evictions (Micrometer's Caffeine binder) and weight, per cache. */
  public void bindTo(MeterRegistry registry) {
    for (BoundedCache cache : caches.values()) {
      Cache<String, CachedValue> caffeine = cache.caffeine();
      CaffeineCacheMetrics.monitor(registry, caffeine, cache.name());
      Gauge.builder("bulwark.cache.weight.bytes", cache, BoundedCache::weightBytes).tag("cache", cache.name())
          .description("Bytes held by the cache, as weighed").register(registry);
    }
    if (invalidations != null) {
      FunctionCounter.builder("bulwark.cache.invalidations", invalidations, InvalidationChannel::sent)
          .tag("direction", "sent").description("Invalidations of shared cache entries published")
          .register(registry);
      FunctionCounter.builder("bulwark.cache.invalidations", invalidations, InvalidationChannel::received)
          .tag("direction", "received").description("Invalidations from other instances applied to local copies")
          .register(registry);
      Gauge.builder("bulwark.cache.invalidation.subscribed", invalidations, c -> c.up() ? 1 : 0)
          .description("1 while the cache invalidation channel is subscribed, 0 while it is down")
          .register(registry);
    }
  }
}
