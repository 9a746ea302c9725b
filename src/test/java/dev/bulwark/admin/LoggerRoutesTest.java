package dev.bulwark.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Logger levels read and changed at run time through {@code /admin/loggers}, over real HTTP. */
class LoggerRoutesTest {

  /** Logs a DEBUG line for each refused admin request: a line the test can make appear at will. */
  private static final String ADMIN = "dev.bulwark.admin";

  @Test
  void aLoggerSetToDebugAtRunTimeLogsDebugLinesUntilItIsReset() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(refusalLines(server)).as("at INFO, before the change").isEmpty();
      try {
        JsonObject set = new JsonObject(post(server, "/admin/loggers/" + ADMIN, "{\"level\":\"debug\"}").body());
        assertThat(set).isEqualTo(new JsonObject().put("name", ADMIN).put("configuredLevel", "DEBUG")
            .put("effectiveLevel", "DEBUG"));
        assertThat(refusalLines(server)).singleElement().satisfies(line -> {
          assertThat(line.getLevel()).isEqualTo(Level.DEBUG);
          assertThat(line.getFormattedMessage()).contains("GET /admin/info");
        });
        JsonObject read = new JsonObject(server.admin("/admin/loggers/" + ADMIN + ".BearerTokenHandlerImpl",
            server.server().adminToken()).body());
        assertThat(read.getString("configuredLevel")).isNull();
        assertThat(read.getString("effectiveLevel")).as("inherited").isEqualTo("DEBUG");
      } finally {
        HttpResponse<String> reset = post(server, "/admin/loggers/" + ADMIN, "{\"level\":null}");
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(reset.body()).getString("configuredLevel")).isNull();
      }
      assertThat(refusalLines(server)).as("after the reset").isEmpty();
    }
  }

  @Test
  void theListShowsLoggersWhoseLevelIsSetAndRootReadsAsRoot() throws Exception {
    try (TestServer server = TestServer.start()) {
      JsonObject list = new JsonObject(server.admin("/admin/loggers", server.server().adminToken()).body());
      assertThat(list.getJsonArray("levels").getList()).containsExactly("OFF", "ERROR", "WARN", "INFO", "DEBUG",
          "TRACE");
      assertThat(list.getJsonArray("loggers").getList()).contains(
          new JsonObject().put("name", "io.netty").put("configuredLevel", "WARN").put("effectiveLevel", "WARN")
              .getMap());
      JsonObject root = new JsonObject(server.admin("/admin/loggers/root", server.server().adminToken()).body());
      assertThat(root.getString("name")).isEqualTo("ROOT");
      assertThat(root.getString("configuredLevel")).isEqualTo("INFO");
      assertError(post(server, "/admin/loggers/ROOT", "{\"level\":\"\"}"), 400, "bad_level");
    }
  }

  @Test
  void badNamesLevelsAndBodiesAreRefusedWithJsonAndNoLoggerIsCreated() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("admin", new JsonObject()
        .put("maxLoggerNameLength", 32)))) {
      String token = server.server().adminToken();
      assertError(server.admin("/admin/loggers/a..b", token), 400, "bad_logger");
      assertError(server.admin("/admin/loggers/a%20b", token), 400, "bad_logger");
      assertError(server.admin("/admin/loggers/" + "a".repeat(33), token), 400, "bad_logger");
      assertThat(server.admin("/admin/loggers/dev.bulwark.server.BulwarkServer", token).statusCode())
          .as("32 characters").isEqualTo(200);
      assertError(server.admin("/admin/loggers/no.such.logger", token), 404, "unknown_logger");
      assertError(post(server, "/admin/loggers/no.such.logger", "{\"level\":\"DEBUG\"}"), 404, "unknown_logger");
      assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).exists("no.such.logger")).isNull();
      for (String body : List.of("{\"level\":\"LOUD\"}", "{\"level\":3}", "{}", "[]", "not json", "")) {
        assertError(post(server, "/admin/loggers/" + ADMIN, body), 400, "bad_level");
      }
      assertError(post(server, "/admin/loggers/" + ADMIN, "{\"level\":\"" + "x".repeat(2000) + "\"}"), 413,
          "request_too_large");
      assertThat(((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(ADMIN).getLevel())
          .as("left as it was").isNull();
    }
  }

  /** Refused admin requests logged while one is made. */
  private static List<ILoggingEvent> refusalLines(TestServer server) throws Exception {
    return CapturedLog.during(() -> assertThat(server.admin("/admin/info", null).statusCode()).isEqualTo(401))
        .stream().filter(e -> e.getLoggerName().startsWith(ADMIN) && e.getFormattedMessage().contains("refused"))
        .toList();
  }

  private static HttpResponse<String> post(TestServer server, String path, String body) throws Exception {
    return server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().adminPort()
            + path)).header("Authorization", "Bearer " + server.server().adminToken())
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void assertError(HttpResponse<String> answer, int status, String code) {
    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
    assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo(code);
  }
}
