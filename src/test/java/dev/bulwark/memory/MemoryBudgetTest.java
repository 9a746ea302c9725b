package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.ConfigException;
import dev.bulwark.spi.ApiError;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  @Test
  void aReservationMustFitItsChildAndTheParent() {
    MemoryBudget parent = new MemoryBudget(1000);
    AtomicLong cacheBytes = new AtomicLong(600);
    parent.tracked("cache.default", "caches.default.maxWeight", 700, cacheBytes::get);
    Budget bodies = parent.reserving("bodies", "memory.inflightBodyBytes", 500, () -> { });
    assertThat(bodies.tryReserve(300)).isNull();
    ApiError overParent = bodies.tryReserve(200);
    assertThat(overParent).isNotNull();
    assertThat(overParent.status()).isEqualTo(503);
    assertThat(overParent.details().getString("budget")).isEqualTo("bodies");
    assertThat(overParent.details().getLong("bytesWanted")).isEqualTo(200);
    assertThat(overParent.details().getLong("bytesLimit")).isEqualTo(1000);
    assertThat(bodies.used()).as("nothing kept from a refused reservation").isEqualTo(300);
    cacheBytes.set(100);
    assertThat(bodies.tryReserve(200)).isNull();
    ApiError overChild = bodies.tryReserve(1);
    assertThat(overChild.details().getLong("bytesLimit")).isEqualTo(500);
    assertThat(bodies.trips()).isEqualTo(2);
    bodies.release(500);
    assertThat(parent.used()).isEqualTo(100);
    JsonObject json = parent.toJson();
    assertThat(json.getJsonObject("children").getJsonObject("bodies").getLong("trips")).isEqualTo(2);
    assertThat(json.getJsonObject("children").getJsonObject("cache.default").getLong("used")).isEqualTo(100);
  }

  @Test
  void aConfigWhoseBudgetsCannotFitExitsNamingTheKeysAndTheHeapItNeeds() {
    JsonObject tooBig = new JsonObject()
        .put("memory", new JsonObject().put("budget", "24MiB"))
        .put("caches", new JsonObject().put("default", new JsonObject().put("maxWeight", "16MiB"))
            .put("big", new JsonObject().put("maxWeight", "8MiB")));
    assertThatThrownBy(() -> BulwarkConfig.fromJson(tooBig))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("memory.inflightBodyBytes")
        .hasMessageContaining("caches.default.maxWeight")
        .hasMessageContaining("caches.big.maxWeight")
        .hasMessageContaining("sessions.maxBytes")
        .hasMessageContaining("memory.budget (24.0 MiB)")
        .hasMessageContaining("-Xmx")
        .hasMessageContaining("memory.overcommit");
  }

  @Test
  void overcommitAllowsBudgetsThatDoNotFit() throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("memory", new JsonObject().put("budget", "8MiB").put("overcommit", true)));
    assertThat(config.memory().overcommit()).isTrue();
  }

  @Test
  void theDefaultsFitTheDefaultBudget() throws Exception {
    assertThat(BulwarkConfig.fromJson(new JsonObject()).memory().effectiveBudget()).isPositive();
  }
}
