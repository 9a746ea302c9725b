package dev.bulwark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.server.HttpOptions;
import dev.bulwark.testing.ProjectFiles;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

  @TempDir
  Path dir;

  @Test
  void defaultsAreTheDocumentedOnes() {
    BulwarkConfig config = BulwarkConfig.defaults();
    assertThat(config.http().port()).isEqualTo(HttpOptions.DEFAULT_PORT);
    assertThat(config.http().maxBodySize()).isEqualTo(1L << 20);
    assertThat(config.admin().host()).isEqualTo("127.0.0.1");
    assertThat(config.admin().port()).isEqualTo(9090);
    assertThat(config.metrics().path()).isEqualTo("/metrics");
    assertThat(config.http().resolvedInstances()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void parsesSizesAndDurationsInEveryDocumentedForm() throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject().put("http", new JsonObject()
        .put("maxBodySize", "16MiB").put("maxHeaderSize", "64KiB").put("maxInitialLineLength", 512)
        .put("idleTimeout", "250ms").put("retryAfter", "30s"))
        .put("shutdown", new JsonObject().put("readinessGrace", "0s").put("timeout", "5m")));
    assertThat(config.http().maxBodySize()).isEqualTo(16L << 20);
    assertThat(config.http().maxHeaderSize()).isEqualTo(64 << 10);
    assertThat(config.http().maxInitialLineLength()).isEqualTo(512);
    assertThat(config.http().idleTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.shutdown().readinessGrace()).isZero();
    assertThat(config.shutdown().timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(Units.parseSize("1GiB")).isEqualTo(1L << 30);
    assertThat(Units.parseDuration("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(Units.parseSize("99999999999999999999GiB")).isEqualTo(-1);
    assertThat(Units.parseSize("12MB")).isEqualTo(-1);
    assertThat(Units.formatSize(65536)).isEqualTo("64KiB");
    assertThat(Units.formatDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void rejectsAWrongTypeNamingKeyValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":{\"port\":\"abc\"}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.port = \"abc\" (from json): expected an integer from 0 to 65535");
  }

  @Test
  void rejectsValuesOutOfRange() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":{\"port\":70000}}")))
        .hasMessageContaining("http.port = 70000").hasMessageContaining("0 to 65535");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":{\"maxBodySize\":\"2TiB\"}}")))
        .hasMessageContaining("http.maxBodySize = \"2TiB\"").hasMessageContaining("from 0 to 1TiB");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":{\"idleTimeout\":30}}")))
        .hasMessageContaining("http.idleTimeout = 30").hasMessageContaining("250ms, 30s, 5m or 24h");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"logging\":{\"level\":\"LOUD\"}}")))
        .hasMessageContaining("logging.level = \"LOUD\"").hasMessageContaining("TRACE, DEBUG, INFO, WARN, ERROR");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject(
        "{\"uploads\":{\"freeSpaceCheckEvery\":\"1KiB\"}}")))
        .hasMessageContaining("uploads.freeSpaceCheckEvery = \"1KiB\"").hasMessageContaining("from 4KiB to 1GiB");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":5}")))
        .hasMessageContaining("http = 5").hasMessageContaining("object");
  }

  @Test
  void rejectsAnUnknownKeyAndSuggestsTheNearestOne() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":{\"prot\":1}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("unknown key http.prot (from json); did you mean http.port?")
        .hasMessageContaining("known keys in http: http.host, http.port");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"htpp\":{}}")))
        .hasMessageStartingWith("unknown key htpp").hasMessageContaining("did you mean http?");
  }

  @Test
  void theRenamedShutdownGraceIsRefusedNamingItsNewKey() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"http\":{\"shutdownGrace\":\"10s\"}}")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("http.shutdownGrace (from json) was renamed shutdown.timeout: set that instead");
    for (String variable : new String[] {"BULWARK_HTTP_SHUTDOWNGRACE", "BULWARK_HTTP_SHUTDOWN_GRACE"}) {
      assertThatThrownBy(() -> BulwarkConfig.load(java.util.List.of(), java.util.Map.of(variable, "10s")))
          .isInstanceOf(ConfigException.class)
          .hasMessage(variable + " sets http.shutdownGrace, which was renamed shutdown.timeout: set "
              + "BULWARK_SHUTDOWN_TIMEOUT instead");
    }
  }

  @Test
  void laterFilesWinKeyByKeyAndTheEnvironmentWinsOverFiles() throws Exception {
    Path a = write("a.json", "{\"http\":{\"port\":8081,\"host\":\"127.0.0.1\"}}");
    Path b = write("b.json", "{\"http\":{\"port\":8082}}");
    BulwarkConfig files = BulwarkConfig.load(List.of(a, b), Map.of());
    assertThat(files.http().port()).isEqualTo(8082);
    assertThat(files.http().host()).isEqualTo("127.0.0.1");

    BulwarkConfig env = BulwarkConfig.load(List.of(a, b),
        Map.of("BULWARK_HTTP_PORT", "8083", "BULWARK_HTTP_MAX_CONCURRENT_REQUESTS", "7", "BULWARK_ADMIN_TOKENFILE", "/x/t",
            "PATH", "/usr/bin"));
    assertThat(env.http().port()).isEqualTo(8083);
    assertThat(env.http().maxInFlight()).isEqualTo(7);
    assertThat(env.admin().tokenFile()).isEqualTo("/x/t");
  }

  @Test
  void errorsNameTheFileOrVariableTheValueCameFrom() throws Exception {
    Path bad = write("bad.json", "{\"http\":{\"port\":\"abc\"}}");
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(bad), Map.of()))
        .hasMessageContaining("(from " + bad + ")");
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(), Map.of("BULWARK_HTTP_PORT", "x")))
        .hasMessage("http.port = \"x\" (from BULWARK_HTTP_PORT): expected an integer from 0 to 65535");
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(), Map.of("BULWARK_HTTP_PROT", "1")))
        .hasMessageContaining("unknown environment variable BULWARK_HTTP_PROT")
        .hasMessageContaining("did you mean BULWARK_HTTP_PORT?");
  }

  @Test
  void rejectsFilesThatAreMissingOrNotJsonObjects() throws Exception {
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(dir.resolve("none.json")), Map.of()))
        .hasMessageContaining("does not exist");
    Path notJson = write("x.json", "{port: }");
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(notJson), Map.of()))
        .hasMessage("config file " + notJson + ", line 1, column 2: Unexpected character ('p' (code 112)): was "
            + "expecting double-quote to start field name");
    Path trailing = write("y.json", "{}\n{}");
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(trailing), Map.of()))
        .hasMessageStartingWith("config file " + trailing + ", line 2, column 1: more after the JSON object");
    Path number = write("z.json", "8080");
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(number), Map.of()))
        .hasMessageStartingWith("config file " + number + ", line 1, column 1: a single value where a JSON object");
  }

  @Test
  void bothSpellingsOfOneKeyInTheEnvironmentAreRefused() {
    assertThatThrownBy(() -> BulwarkConfig.load(List.of(), Map.of("BULWARK_HTTP_MAXCONCURRENTREQUESTS", "7",
        "BULWARK_HTTP_MAX_CONCURRENT_REQUESTS", "8")))
        .hasMessage("BULWARK_HTTP_MAXCONCURRENTREQUESTS and BULWARK_HTTP_MAX_CONCURRENT_REQUESTS both set "
            + "http.maxConcurrentRequests; keep one");
  }

  @Test
  void printedConfigMasksSecrets() throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("admin", new JsonObject().put("token", "a-very-long-secret-token")));
    assertThat(config.admin().token()).isEqualTo("a-very-long-secret-token");
    assertThat(config.toJson().getJsonObject("admin").getString("token")).isEqualTo("****");
    assertThat(config.toJson().encode()).doesNotContain("a-very-long-secret-token");
  }

  @Test
  void rejectsAShortAdminTokenWithoutPrintingIt() {
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject("{\"admin\":{\"token\":\"hunter2\"}}")))
        .hasMessageContaining("admin.token").hasMessageContaining("at least 16").hasMessageNotContaining("hunter2");
  }

  @Test
  void referenceFileHoldsEveryKeyWithItsDefault() throws IOException {
    JsonObject reference = new JsonObject(Files.readString(ProjectFiles.resolve("conf/bulwark.json")));
    assertThat(reference).isEqualTo(BulwarkConfig.defaults().toJson());
  }

  @Test
  void readmeDocumentsEveryKeyWithItsDefault() throws IOException {
    String readme = Files.readString(ProjectFiles.resolve("README.md"));
    for (Key key : BulwarkConfig.defaults().keys()) {
      if (!key.type().equals("section")) {
        assertThat(readme).as("README row for " + key.path()).contains(key.markdownRow());
      }
    }
  }

  private Path write(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }
}
