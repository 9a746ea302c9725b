package dev.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.leak.DoctorOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The {@code doctor} section: its defaults, its keys read back, and the checks across its keys. */
class DoctorSectionsTest {

  @Test
  void theDefaultsAreTheOptionsDefaultsAndReadBackFromTheirJson() throws Exception {
    assertThat(BulwarkConfig.defaults().doctor().toJson()).isEqualTo(new DoctorOptions().toJson());
    DoctorOptions set = BulwarkConfig.fromJson(new JsonObject().put("doctor", new JsonObject()
        .put("probeInterval", "20ms").put("window", "1500ms").put("warnLoopDelay", "10ms")
        .put("criticalLoopDelay", "40ms").put("warnGcShare", 0.1).put("criticalGcShare", 0.3))).doctor();
    assertThat(set.probeInterval()).isEqualTo(Duration.ofMillis(20));
    assertThat(set.probesPerWindow()).isEqualTo(75);
    assertThat(BulwarkConfig.fromJson(new JsonObject().put("doctor", set.toJson())).doctor().toJson())
        .isEqualTo(set.toJson());
  }

  @Test
  void aCriticalThresholdBelowItsWarningIsRefusedByName() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject().put("doctor", new JsonObject()
        .put("warnLoopDelay", "100ms").put("criticalLoopDelay", "50ms"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("doctor.criticalLoopDelay")
        .hasMessageContaining("at least doctor.warnLoopDelay (100ms)");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject().put("doctor", new JsonObject()
        .put("warnGcShare", 0.5).put("criticalGcShare", 0.4))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("doctor.criticalGcShare");
  }

  @Test
  void aWindowOfTooFewOrTooManyProbesIsRefused() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject().put("doctor", new JsonObject()
        .put("probeInterval", "1s").put("window", "5s"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("doctor.window = 5000ms: expected 10 to 10000");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject().put("doctor", new JsonObject()
        .put("probeInterval", "10ms").put("window", "1h"))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("doctor.window");
  }
}
