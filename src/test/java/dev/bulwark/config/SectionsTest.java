package dev.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.admin.AdminOptions;
import dev.bulwark.cache.CacheOptions;
import dev.bulwark.memory.MemoryOptions;
import dev.bulwark.metrics.MetricsOptions;
import dev.bulwark.scope.ScopeOptions;
import dev.bulwark.server.AdmissionHandler;
import dev.bulwark.server.ErrorHandler;
import dev.bulwark.server.HttpOptions;
import dev.bulwark.server.RedisOptions;
import dev.bulwark.session.SessionOptions;
import dev.bulwark.stream.BodyLimitHandler;
import dev.bulwark.stream.UploadOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The sections read into the subsystems' options: the same defaults whether made in code or read from an empty config,
 * each options' {@code toJson()} read back as its section gives the same options, and the checks that live in the
 * options still fail with the config's own messages.
 */
class SectionsTest {

  @Test
  void optionsMadeInCodeHoldTheConfigDefaults() {
    BulwarkConfig config = BulwarkConfig.defaults();
    assertThat(config.http().toJson()).isEqualTo(new HttpOptions().toJson());
    assertThat(config.admin().toJson()).isEqualTo(new AdminOptions().toJson());
    assertThat(config.scope().toJson()).isEqualTo(new ScopeOptions().toJson());
    assertThat(config.memory().toJson()).isEqualTo(new MemoryOptions().toJson());
    assertThat(config.cache().toJson()).isEqualTo(new CacheOptions().toJson());
    assertThat(config.sessions().toJson()).isEqualTo(new SessionOptions().toJson());
    assertThat(config.redis().toJson()).isEqualTo(new RedisOptions().toJson());
  }

  @Test
  void handlerDefaultsAreTheOptionsDefaults() {
    assertThat(AdmissionHandler.DEFAULT_MAX_IN_FLIGHT).isEqualTo(HttpOptions.DEFAULT_MAX_IN_FLIGHT);
    assertThat(BodyLimitHandler.DEFAULT_MAX_BODY_SIZE).isEqualTo(HttpOptions.DEFAULT_MAX_BODY_SIZE);
    assertThat(ErrorHandler.DEFAULT_RETRY_AFTER).isSameAs(HttpOptions.DEFAULT_RETRY_AFTER);
    assertThat(dev.bulwark.scope.RequestScopeHandler.DEFAULT_REQUEST_TIMEOUT)
        .isSameAs(HttpOptions.DEFAULT_REQUEST_TIMEOUT);
  }

  @Test
  void eachSectionReadsBackFromItsOptionsJson() throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("port", 0).put("maxConcurrentRequests", 7).put("maxBodySize", "2MiB")
            .put("requestTimeout", "1500ms"))
        .put("scope", new JsonObject().put("maxTimers", 3).put("trackSites", "ALL"))
        .put("memory", new JsonObject().put("minDwell", "0s").put("criticalRoutes", new io.vertx.core.json.JsonArray()
            .add("/orders")).put("rss", new JsonObject().put("elevated", 0.5).put("critical", 0.6)))
        .put("sessions", new JsonObject().put("sameSite", "strict").put("timeout", "1h"))
        .put("caches", new JsonObject().put("a", new JsonObject().put("maxEntries", 10))
            .put("b", new JsonObject().put("expireAfterAccess", "5m"))));
    assertRoundTrip(config, "http", c -> c.http().toJson());
    assertRoundTrip(config, "admin", c -> c.admin().toJson());
    assertRoundTrip(config, "metrics", c -> c.metrics().toJson());
    assertRoundTrip(config, "logging", c -> c.logging().toJson());
    assertRoundTrip(config, "scope", c -> c.scope().toJson());
    assertRoundTrip(config, "demo", c -> c.demo().toJson());
    assertRoundTrip(config, "memory", c -> c.memory().toJson());
    assertRoundTrip(config, "health", c -> c.health().toJson());
    assertRoundTrip(config, "lab", c -> c.lab().toJson());
    assertRoundTrip(config, "sessions", c -> c.sessions().toJson());
    assertRoundTrip(config, "redis", c -> c.redis().toJson());
    assertRoundTrip(config, "uploads", c -> c.uploads().toJson());
    assertThat(config.scope().trackSites()).isEqualTo("all");
    assertThat(config.sessions().sameSite()).isEqualTo("Strict");

    // Two options span two sections each: the second one is nested in their JSON.
    JsonObject files = config.files().toJson();
    JsonObject data = (JsonObject) files.remove("data");
    assertThat(BulwarkConfig.fromJson(new JsonObject().put("files", files).put("data", data)).files().toJson())
        .isEqualTo(config.files().toJson());
    JsonObject cache = config.cache().toJson();
    JsonObject caches = (JsonObject) cache.remove("caches");
    CacheOptions back = BulwarkConfig.fromJson(new JsonObject().put("cache", cache).put("caches", caches)).cache();
    assertThat(back.toJson()).isEqualTo(config.cache().toJson());
    assertThat(back.caches().keySet()).containsExactly("a", "b");
  }

  private static void assertRoundTrip(BulwarkConfig config, String section, Function<BulwarkConfig, JsonObject> json)
      throws ConfigException {
    BulwarkConfig back = BulwarkConfig.fromJson(new JsonObject().put(section, json.apply(config)));
    assertThat(json.apply(back)).as(section).isEqualTo(json.apply(config));
  }

  @Test
  void checksKeptInTheOptionsFailWithTheConfigMessages() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"metrics\":{\"path\":\"metrics\"}}")))
        .hasMessage("metrics.path = \"metrics\" (from json): expected a path such as /metrics");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"sessions\":{\"cookieName\":\"a b\"}}")))
        .hasMessage("sessions.cookieName = \"a b\" (from json): expected 1 to 64 of A-Z a-z 0-9 . _ -");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"redis\":{\"url\":\"http://pw@x\"}}")))
        .hasMessage("redis.url = (hidden) (from json): expected redis://host:port[/db] or rediss://...");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"admin\":{\"token\":\"hunter2\"}}")))
        .hasMessage("admin.token = **** (7 characters) (from json): expected at least 16 characters, or leave it empty to "
            + "generate one");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject(
        "{\"memory\":{\"heap\":{\"elevated\":0.9,\"critical\":0.8}}}")))
        .hasMessage("memory.heap.critical = 0.8 (from json): expected at least elevated (0.9)");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject(
        "{\"metrics\":{\"latencyBuckets\":[\"10ms\",\"5ms\"]}}")))
        .hasMessageStartingWith("metrics.latencyBuckets = [\"10ms\",\"5ms\"] (from json): expected 1 to 30 strictly "
            + "ascending durations");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"metrics\":{\"latencyBuckets\":[]}}")))
        .hasMessageContaining("metrics.latencyBuckets");
  }

  @Test
  void latencyBucketsComeFromAListOrACommaSeparatedVariable() throws Exception {
    assertThat(BulwarkConfig.fromJson(new JsonObject("{\"metrics\":{\"latencyBuckets\":[\"5ms\",\"1s\"]}}"))
        .metrics().latencyBuckets()).containsExactly(Duration.ofMillis(5), Duration.ofSeconds(1));
    assertThat(BulwarkConfig.fromJson(new JsonObject("{\"metrics\":{\"latencyBuckets\":\"5ms, 1s\"}}"))
        .metrics().latencyBuckets()).containsExactly(Duration.ofMillis(5), Duration.ofSeconds(1));
    assertThat(BulwarkConfig.fromJson(new JsonObject()).metrics().latencyBuckets())
        .isEqualTo(MetricsOptions.DEFAULT_LATENCY_BUCKETS);
  }

  @Test
  void optionsRejectValuesOutOfRangeNamingTheField() {
    assertThatThrownBy(() -> new HttpOptions().setPort(70_000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("port = 70000");
    assertThatThrownBy(() -> new HttpOptions().setRequestTimeout(Duration.ofMillis(1)))
        .hasMessageStartingWith("requestTimeout = ");
    assertThatThrownBy(() -> new ScopeOptions().setTrackSites("some")).hasMessageStartingWith("trackSites = some");
    assertThatThrownBy(() -> new MemoryOptions.Thresholds(0.9, 0.8)).hasMessageContaining("below elevated");
    assertThatThrownBy(() -> new CacheOptions.Named("Bad Name")).hasMessageStartingWith("name = Bad Name");
    assertThatThrownBy(() -> new CacheOptions().setCaches(new CacheOptions.Named("a"), new CacheOptions.Named("a")))
        .hasMessageContaining("given twice");
    assertThatThrownBy(() -> new UploadOptions().setFreeSpaceCheckEvery(0))
        .hasMessageStartingWith("freeSpaceCheckEvery = 0");
    assertThatThrownBy(() -> new AdminOptions().setToken("hunter2")).hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> new RedisOptions().setUrl("http://secret@x")).hasMessageNotContaining("secret");
    // A copy is independent of its original.
    HttpOptions original = new HttpOptions();
    new HttpOptions(original).setPort(1);
    assertThat(original.port()).isEqualTo(HttpOptions.DEFAULT_PORT);
  }
}
