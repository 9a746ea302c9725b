package dev.bulwark.cache;

import com.github.benmanes.caffeine.cache.Cache;
import dev.bulwark.memory.MemorySignals;
import dev.bulwark.memory.PressureLevel;
import dev.bulwark.memory.PressureListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.vertx.core.json.JsonArray;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The caches declared in config, by name. As a {@link PressureListener} it shrinks every cache to
 * {@code cache.elevatedFraction} of its byte budget while memory pressure is above NORMAL, and restores the budgets at
 * NORMAL.
 */
public final class NamedCaches implements PressureListener {

  private final CacheOptions options;
  private final Map<String, BoundedCache> caches = new LinkedHashMap<>();

  private NamedCaches(CacheOptions options, Executor executor, Function<CacheOptions.Named, SharedTier> tiers) {
    this.options = options;
    for (CacheOptions.Named named : options.caches().values()) {
      caches.put(named.name(), new BoundedCache(named, executor, named.redis() ? tiers.apply(named) : null));
    }
  }

  /** Local caches only; {@code executor} runs Caffeine's maintenance (evictions, expiry). */
  public static NamedCaches create(CacheOptions options, Executor executor) {
    return new NamedCaches(options, executor, named -> null);
  }

  /**
   * As {@link #create(CacheOptions, Executor)}; caches with {@code redis: true} share their entries through
   * {@code redis} under {@code <keyPrefix>cache:<name>:}.
   */
  public static NamedCaches create(CacheOptions options, Executor executor, io.vertx.redis.client.Redis redis,
      String keyPrefix) {
    return new NamedCaches(options, executor,
        named -> new SharedTier(redis, keyPrefix, named.name(), named.expireAfterWrite()));
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
  }
}
