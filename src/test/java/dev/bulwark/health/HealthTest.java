package dev.bulwark.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.memory.MemorySignals;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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

  @Test
  void theStatusGaugeReadsZeroHealthyOneDegradedTwoNeedsRestart() throws Exception {
    Health health = health("0s", monitorAt(0.1));
    MeterRegistry registry = new SimpleMeterRegistry();
    health.bindTo(registry);
    assertThat(registry.get("bulwark_health_status").gauge().value()).isZero();
    health.startDraining();
    assertThat(registry.get("bulwark_health_status").gauge().value()).as("read at each scrape").isEqualTo(1);
    assertThat(statusGauge(health("0s", monitorAt(0.75)))).as("ELEVATED").isEqualTo(1);
    assertThat(statusGauge(health("1ms", monitorAt(0.1)))).as("past maxUptime").isEqualTo(2);
  }

  private static double statusGauge(Health health) {
    MeterRegistry registry = new SimpleMeterRegistry();
    health.bindTo(registry);
    return registry.get("bulwark_health_status").gauge().value();
  }
}
