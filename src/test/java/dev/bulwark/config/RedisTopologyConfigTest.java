package dev.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code redis.type}, {@code endpoints}, {@code masterName} and {@code password} keys: checked at start, and no
 * password ever shown. */
class RedisTopologyConfigTest {

  private static final String PASSWORD = "s3cr3t-redis-password";

  @Test
  void standaloneWithOnlyAUrlIsTheDefaultAndConnectsToThatUrl() throws ConfigException {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject("{\"redis\":{\"url\":\"redis://127.0.0.1:6379/0\"}}"));
    assertThat(config.redis().type()).isEqualTo("standalone");
    assertThat(config.redis().connectionStrings()).containsExactly("redis://127.0.0.1:6379/0");
  }

  @Test
  void aClusterTakesItsNodesFromTheEndpoints() throws ConfigException {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject(
        "{\"redis\":{\"type\":\"cluster\",\"endpoints\":[\"redis://127.0.0.1:7000\",\"redis://127.0.0.1:7001\"]}}"));
    assertThat(config.redis().enabled()).isTrue();
    assertThat(config.redis().connectionStrings()).containsExactly("redis://127.0.0.1:7000", "redis://127.0.0.1:7001");
  }

  @Test
  void aSentinelTypeWithoutAMasterNameIsRefusedInOneLine() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject(
        "{\"redis\":{\"type\":\"sentinel\",\"endpoints\":[\"redis://127.0.0.1:26379\"]}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("redis.type = sentinel: needs redis.masterName, the master group the sentinels watch");
  }

  @Test
  void aClusterTypeWithoutAnyEndpointIsRefused() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"redis\":{\"type\":\"cluster\"}}")))
        .hasMessage("redis.type = cluster: needs redis.endpoints (or redis.url) to be set");
  }

  @Test
  void anEndpointThatIsNotARedisUrlIsRefusedWithoutPrintingIt() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject(
        "{\"redis\":{\"endpoints\":[\"http://u:" + PASSWORD + "@h\"]}}")))
        .hasMessageNotContaining(PASSWORD)
        .hasMessage("redis.endpoints = (hidden) (from json): expected redis://host:port or rediss://... URLs");
  }

  @Test
  void thePasswordAndThePasswordsInEndpointsNeverShowInTheEffectiveConfig() throws ConfigException {
    BulwarkConfig config = BulwarkConfig.load(List.of(), Map.of(
        "BULWARK_REDIS_TYPE", "sentinel",
        "BULWARK_REDIS_ENDPOINTS", "redis://:" + PASSWORD + "@127.0.0.1:26379,redis://127.0.0.1:26380",
        "BULWARK_REDIS_MASTERNAME", "mymaster",
        "BULWARK_REDIS_PASSWORD", PASSWORD));
    JsonObject shown = EffectiveConfig.of(config);
    assertThat(shown.encode()).doesNotContain(PASSWORD);
    JsonObject redis = shown.getJsonObject("config").getJsonObject("redis");
    assertThat(redis.getString("password")).isEqualTo("****");
    assertThat(redis.getJsonArray("endpoints").getList())
        .containsExactly("redis://:****@127.0.0.1:26379", "redis://127.0.0.1:26380");
    assertThat(config.redis().masterName()).isEqualTo("mymaster");
  }
}
