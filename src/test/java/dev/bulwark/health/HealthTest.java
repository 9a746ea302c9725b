package dev.bulwark.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.memory.MemorySignals;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class HealthTest {

  private static final long MB = 1 << 20;

  private static MemoryMonitor monitorAt(double heapFraction) throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("memory", new JsonObject().put("minDwell", "0s")));
    MemoryMonitor monitor = MemoryMonitor.manual(config.memory(),
        () -> new MemorySignals(0, 100 * MB, (long) (heapFraction * 100 * MB), 0, 100 * MB, 0, 0, 0, Double.NaN),
        System::nanoTime);
    monitor.sample();
    return monitor;
  }

  private static Health health(String maxUptime, MemoryMonitor monitor) throws Exception {
    return new Health(BulwarkConfig.fromJson(new JsonObject()
        .put("health", new JsonObject().put("maxUptime", maxUptime))).health(), monitor);
  }

  @Test
  void healthyAndReadyWhenNothingIsWrong() throws Exception {
    Health health = health("0s", monitorAt(0.1));
    assertThat(health.summary().getString("status")).isEqualTo(Health.HEALTHY);
    assertThat(health.notReadyReasons()).isEmpty();
  }

  @Test
  void drainingIsNotReadyAndDegraded() throws Exception {
    Health health = health("0s", monitorAt(0.1));
    health.startDraining();
    assertThat(health.notReadyReasons()).containsExactly("draining");
    assertThat(health.summary().getString("status")).isEqualTo(Health.DEGRADED);
  }

  @Test
  void criticalPressureIsNotReady() throws Exception {
    Health health = health("0s", monitorAt(0.9));
    assertThat(health.notReadyReasons()).containsExactly("memory_pressure_critical");
    assertThat(health.summary().getString("pressure")).isEqualTo("CRITICAL");
  }

  @Test
  void needsRestartAfterMaxUptime() throws Exception {
    Health health = health("1ms", monitorAt(0.1));
    assertThat(health.summary().getString("status")).isEqualTo(Health.NEEDS_RESTART);
    assertThat(health.summary().getJsonObject("checks").getBoolean("ready")).isTrue();
  }
}
