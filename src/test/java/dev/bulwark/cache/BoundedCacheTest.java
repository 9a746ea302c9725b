package dev.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.memory.PressureLevel;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Bounds on a real Caffeine cache, with maintenance run on the calling thread so figures are exact. */
class BoundedCacheTest {

  private static NamedCaches caches(JsonObject named) throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject().put("caches", named));
    return NamedCaches.create(config.cache(), Runnable::run);
  }

  @Test
  void neverHoldsMoreBytesThanItsBudget() throws Exception {
    BoundedCache cache = caches(new JsonObject().put("c", new JsonObject().put("maxWeight", "1MiB")))
        .get("c");
    byte[] kib = new byte[1024];
    for (int i = 0; i < 10_000; i++) {
      cache.put("key-" + i, new CachedValue(kib, "text/plain"));
      assertThat(cache.weightBytes()).isLessThanOrEqualTo(1 << 20);
    }
    cache.cleanUp();
    assertThat(cache.stats().getLong("evictions")).isPositive();
    assertThat(cache.stats().getLong("entries")).isLessThan(1024);
  }

  @Test
  void weighsWhatAnEntryReallyRetains() {
    CachedValue value = new CachedValue(new byte[1000], "application/json");
    assertThat(BoundedCache.weigh("k", value)).isGreaterThan(1000).isLessThan(1300);
  }

  @Test
  void neverHoldsMoreEntriesThanItsLimitEvenWhenTheyAreSmall() throws Exception {
    BoundedCache cache = caches(new JsonObject().put("c", new JsonObject().put("maxEntries", 100)
        .put("maxWeight", "1MiB"))).get("c");
    for (int i = 0; i < 1000; i++) {
      cache.put("k" + i, new CachedValue(new byte[1], "x"));
    }
    cache.cleanUp();
    assertThat(cache.stats().getLong("entries")).isLessThanOrEqualTo(100);
  }

  @Test
  void shrinksUnderPressureAndRestoresAtNormal() throws Exception {
    NamedCaches caches = caches(new JsonObject().put("c", new JsonObject().put("maxWeight", "1MiB")));
    BoundedCache cache = caches.get("c");
    for (int i = 0; i < 2000; i++) {
      cache.put("key-" + i, new CachedValue(new byte[1024], "text/plain"));
    }
    caches.onPressure(PressureLevel.ELEVATED, null);
    cache.cleanUp();
    assertThat(cache.weightBytes()).isLessThanOrEqualTo((long) (0.5 * (1 << 20)));
    caches.onPressure(PressureLevel.NORMAL, null);
    for (int i = 0; i < 2000; i++) {
      cache.put("again-" + i, new CachedValue(new byte[1024], "text/plain"));
    }
    cache.cleanUp();
    assertThat(cache.weightBytes()).isGreaterThan((long) (0.75 * (1 << 20)));
  }

  @Test
  void keepsWhatIsUsedOverWhatIsNot() throws Exception {
    BoundedCache cache = caches(new JsonObject().put("c", new JsonObject().put("maxWeight", "256KiB"))).get("c");
    cache.put("hot", new CachedValue(new byte[1024], "x"));
    for (int i = 0; i < 5000; i++) {
      assertThat(cache.get("hot").result()).isNotNull();
      cache.put("cold-" + i, new CachedValue(new byte[1024], "x"));
    }
    assertThat(cache.get("hot").result()).as("LRU/TinyLFU keeps the hot entry; FIFO would not").isNotNull();
  }
}
