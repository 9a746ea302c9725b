package dev.bulwark.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.server.BulwarkServer;
import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /admin/info}, {@code /admin/config} and the build-info gauge, over real HTTP. */
class InfoRoutesTest {

  private static final String TOKEN = "admin-token-from-the-env-0123456789";
  private static final String REDIS_PASSWORD = "redis-pa55word-in-the-file";

  @TempDir
  Path dir;

  @Test
  void infoNamesTheBuildTheJvmTheProcessAndEachModuleWithItsRoutes() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> answer = server.admin("/admin/info", server.server().adminToken());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
      JsonObject info = new JsonObject(answer.body());
      BuildInfo build = BuildInfo.current();
      assertThat(info.getString("version")).isEqualTo(build.version());
      assertThat(info.getString("commit")).isEqualTo(build.describedCommit());
      assertThat(info.getString("buildTime")).isEqualTo(build.buildTime());
      assertThat(info.getJsonObject("java").getString("version")).isEqualTo(System.getProperty("java.version"));
      assertThat(info.getJsonObject("java").getString("vendor")).isEqualTo(System.getProperty("java.vendor"));
      assertThat(info.getJsonObject("java").getString("vm")).startsWith(System.getProperty("java.vm.name"));
      assertThat(info.getLong("pid")).isEqualTo(ProcessHandle.current().pid());
      assertThat(Instant.parse(info.getString("startedAt"))).isBefore(Instant.now());
      assertThat(info.getLong("uptimeSeconds")).isNotNegative();
      JsonArray modules = info.getJsonArray("modules");
      assertThat(modules.stream().map(m -> (JsonObject) m).filter(m -> m.getString("name").equals("hello")))
          .singleElement().satisfies(hello -> {
            assertThat(hello.getString("source")).isEqualTo("built-in");
            assertThat(hello.getJsonArray("routes").getList()).contains("GET /hello");
          });
    }
  }

  @Test
  void theOperatorRoutesNeedTheToken() throws Exception {
    try (TestServer server = TestServer.start()) {
      for (String path : List.of("/admin/info", "/admin/config", "/admin/loggers", "/admin/loggers/ROOT")) {
        assertThat(server.admin(path, null).statusCode()).as(path).isEqualTo(401);
        assertThat(server.admin(path, "wrong-token-0123456789").statusCode()).as(path).isEqualTo(401);
      }
    }
  }

  @Test
  void configShowsEachValueWithItsSourceAndNoSecretFromFileOrEnvironment() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      assertThat(redis.command("CONFIG SET requirepass " + REDIS_PASSWORD)).isEqualTo("+OK");
      String url = "redis://:" + REDIS_PASSWORD + "@127.0.0.1:" + redis.port() + "/0";
      Path file = Files.writeString(dir.resolve("conf.json"), new JsonObject()
          .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
          .put("admin", new JsonObject().put("port", 0).put("tokenFile", dir.resolve("admin.token").toString()))
          .put("files", new JsonObject().put("root", dir.toString()))
          .put("redis", new JsonObject().put("url", url)).encode());
      BulwarkConfig config = BulwarkConfig.load(List.of(file), Map.of("BULWARK_ADMIN_TOKEN", TOKEN));
      BulwarkServer server = BulwarkServer.start(config).await();
      try {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.adminPort() + "/admin/config"))
            .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).doesNotContain(TOKEN, REDIS_PASSWORD);
        JsonObject shown = new JsonObject(answer.body());
        JsonObject values = shown.getJsonObject("config");
        assertThat(values.getJsonObject("admin").getString("token")).isEqualTo("****");
        assertThat(values.getJsonObject("redis").getString("url"))
            .isEqualTo("redis://:****@127.0.0.1:" + redis.port() + "/0");
        assertThat(values.getJsonObject("http").getInteger("port")).isZero();
        JsonObject sources = shown.getJsonObject("sources");
        assertThat(sources.getString("admin.token")).isEqualTo("env:BULWARK_ADMIN_TOKEN");
        assertThat(sources.getString("redis.url")).isEqualTo("file:" + file.toAbsolutePath());
        assertThat(sources.getString("http.port")).isEqualTo("file:" + file.toAbsolutePath());
        assertThat(sources.getString("http.maxBodySize")).isEqualTo("default");
      } finally {
        server.close().await(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void theScrapeCarriesTheBuildInfoGauge() throws Exception {
    try (TestServer server = TestServer.start()) {
      BuildInfo build = BuildInfo.current();
      assertThat(server.get("/metrics").body().lines().filter(l -> l.startsWith("bulwark_build_info{")))
          .singleElement().asString().startsWith("bulwark_build_info{commit=\"" + build.describedCommit()
              + "\",java=\"" + System.getProperty("java.version") + "\",version=\"" + build.version() + "\"} ")
          .matches(".* 1(\\.0)?");
    }
  }
}
