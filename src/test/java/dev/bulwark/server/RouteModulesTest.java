package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Bulwark's own route groups mount as modules, and what they declare reaches the guards on segment boundaries. */
class RouteModulesTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void everyBuiltInRouteGroupIsListedAsAModuleWithItsRoutes() throws Exception {
    JsonArray modules = server.status().getJsonArray("modules");
    List<String> names = modules.stream().map(m -> ((JsonObject) m).getString("name")).collect(Collectors.toList());
    assertThat(names).contains("metrics", "hello", "demo", "critical", "health", "cache", "session", "files", "data",
        "uploads");
    JsonObject hello = (JsonObject) modules.stream().filter(m -> ((JsonObject) m).getString("name").equals("hello"))
        .findFirst().orElseThrow();
    assertThat(hello.getString("source")).isEqualTo("built-in");
    assertThat(hello.getJsonArray("routes").getList()).containsExactly("GET /hello");
    JsonObject example = (JsonObject) modules.stream()
        .filter(m -> ((JsonObject) m).getString("name").equals("exampleModule")).findFirst().orElseThrow();
    assertThat(example.getString("source")).isEqualTo("classpath");
  }

  @Test
  void aPathThatOnlyStartsLikeTheUploadsRouteGetsTheOrdinaryBodyLimit() throws Exception {
    // 2 MiB declared on /uploadsX: not under /uploads, so http.maxBodySize (1 MiB) applies before any byte is read.
    String answer = RawHttp.exchange(server.port(),
        "POST /uploadsX HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n", false);
    assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
    assertThat(new JsonObject(answer.substring(answer.indexOf('{'))).getString("error"))
        .isEqualTo("request_too_large");
  }

  @Test
  void theUploadsRouteItselfMayDeclareMoreThanTheOrdinaryLimit() throws Exception {
    // Declared 2 MiB under /uploads is within uploads.maxRequestSize: it passes the guards, and the route answers
    // (400 not_multipart: it is no multipart body) rather than the body limit.
    String answer = RawHttp.exchange(server.port(),
        "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2097152\r\n\r\n", false);
    assertThat(answer).doesNotStartWith("HTTP/1.1 413");
  }
}
