package dev.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code /admin/config} shows: each value in force with where it came from, and never a secret. */
class EffectiveConfigTest {

  private static final String TOKEN = "token-from-the-environment-0123";
  private static final String PASSWORD = "pa55word-in-the-file";

  @TempDir
  Path dir;

  @Test
  void eachValueNamesItsSourceDefaultFileOrVariableAndTheLaterSourceWins() throws Exception {
    Path first = Files.writeString(dir.resolve("first.json"), "{\"http\": {\"port\": 8181, \"host\": \"0.0.0.0\"}}");
    Path second = Files.writeString(dir.resolve("second.json"), "{\"http\": {\"host\": \"127.0.0.1\"}}");
    JsonObject shown = EffectiveConfig.of(BulwarkConfig.load(List.of(first, second),
        Map.of("BULWARK_HTTP_MAX_BODY_SIZE", "2MiB")));
    JsonObject sources = shown.getJsonObject("sources");
    assertThat(sources.getString("http.port")).isEqualTo("file:" + first.toAbsolutePath());
    assertThat(sources.getString("http.host")).isEqualTo("file:" + second.toAbsolutePath());
    assertThat(sources.getString("http.maxBodySize")).isEqualTo("env:BULWARK_HTTP_MAX_BODY_SIZE");
    assertThat(sources.getString("http.idleTimeout")).isEqualTo("default");
    JsonObject http = shown.getJsonObject("config").getJsonObject("http");
    assertThat(http.getInteger("port")).isEqualTo(8181);
    assertThat(http.getString("host")).isEqualTo("127.0.0.1");
    assertThat(http.getString("maxBodySize")).isEqualTo("2MiB");
    assertThat(sources.fieldNames()).as("every key but the sections")
        .hasSize((int) BulwarkConfig.defaults().keys().stream().filter(k -> !k.type().equals("section")).count());
  }

  @Test
  void secretsFromAFileOrTheEnvironmentNeverShowButTheRestOfTheUrlDoes() throws Exception {
    Path file = Files.writeString(dir.resolve("conf.json"),
        "{\"redis\": {\"url\": \"redis://bulwark:" + PASSWORD + "@127.0.0.1:6390/2\"}}");
    JsonObject shown = EffectiveConfig.of(BulwarkConfig.load(List.of(file), Map.of("BULWARK_ADMIN_TOKEN", TOKEN)));
    assertThat(shown.encode()).doesNotContain(TOKEN, PASSWORD);
    JsonObject config = shown.getJsonObject("config");
    assertThat(config.getJsonObject("admin").getString("token")).isEqualTo("****");
    assertThat(config.getJsonObject("admin").getString("tokenFile")).as("a path, not a secret")
        .isEqualTo("var/admin.token");
    assertThat(config.getJsonObject("redis").getString("url")).isEqualTo("redis://bulwark:****@127.0.0.1:6390/2");
    assertThat(shown.getJsonObject("sources").getString("admin.token")).isEqualTo("env:BULWARK_ADMIN_TOKEN");
    assertThat(shown.getJsonObject("sources").getString("redis.url")).isEqualTo("file:" + file.toAbsolutePath());
  }

  @Test
  void anUnsetSecretShowsEmptySoItReadsAsNotSet() {
    JsonObject config = EffectiveConfig.of(BulwarkConfig.defaults()).getJsonObject("config");
    assertThat(config.getJsonObject("admin").getString("token")).isEmpty();
    assertThat(config.getJsonObject("redis").getString("url")).isEmpty();
  }

  @Test
  void everyFormOfAPasswordInAUrlIsMasked() {
    assertThat(EffectiveConfig.shown("redis://:" + PASSWORD + "@h:6379", true)).isEqualTo("redis://:****@h:6379");
    assertThat(EffectiveConfig.shown("redis://" + PASSWORD + "@h", true)).isEqualTo("redis://****@h");
    assertThat(EffectiveConfig.shown("rediss://u:p@ss@h/0", true)).as("an unescaped @ in the password")
        .isEqualTo("rediss://u:****@h/0");
    assertThat(EffectiveConfig.shown("rediss://h:6379?password=" + PASSWORD, true)).isEqualTo("rediss://h:6379?****");
    assertThat(EffectiveConfig.shown("redis://127.0.0.1:6379/0", true)).isEqualTo("redis://127.0.0.1:6379/0");
    assertThat(EffectiveConfig.shown("https://u:" + PASSWORD + "@example.com/x", false))
        .as("any key's URL").isEqualTo("https://u:****@example.com/x");
    assertThat(EffectiveConfig.shown(new JsonArray().add("http://a:b@h").add("/x"), false))
        .isEqualTo(new JsonArray().add("http://a:****@h").add("/x"));
    assertThat(EffectiveConfig.shown("not://a-url-but-a-token", true)).isEqualTo("not://a-url-but-a-token");
    assertThat(EffectiveConfig.shown("x not://a url", true)).as("no scheme at the start: masked whole")
        .isEqualTo("****");
  }

  @Test
  void keysNamedLikeSecretsAreMaskedButPathsToThemAreNot() {
    assertThat(EffectiveConfig.secretName("keyPassword")).isTrue();
    assertThat(EffectiveConfig.secretName("apiToken")).isTrue();
    assertThat(EffectiveConfig.secretName("clientSecret")).isTrue();
    assertThat(EffectiveConfig.secretName("tokenFile")).isFalse();
    assertThat(EffectiveConfig.secretName("secretsDir")).isFalse();
    assertThat(EffectiveConfig.secretName("maxLoggerNameLength")).isFalse();
    assertThat(EffectiveConfig.shown(12, true)).isEqualTo(12);
  }
}
