package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.PrometheusText;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The skeleton end to end over real HTTP on loopback: routes, errors, metrics, admin port, user modules. */
class ServerTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("http", new JsonObject().put("instances", 2)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void helloAnswersPlainText() throws Exception {
    HttpResponse<String> r = server.get("/hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(r.headers().firstValue("content-type")).hasValue("text/plain");
  }

  @Test
  void unknownPathIsAJsonNotFound() throws Exception {
    HttpResponse<String> r = server.get("/no/such/thing");
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("not_found");
    assertThat(new JsonObject(r.body()).getString("message")).isNotBlank();
  }

  @Test
  void wrongMethodIsAJsonMethodNotAllowed() throws Exception {
    String answer = RawHttp.exchange(server.port(), "DELETE /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 405").contains("\"error\":\"method_not_allowed\"");
  }

  @Test
  void routeModuleFromTheTestClasspathIsMountedAndServed() throws Exception {
    HttpResponse<String> r = server.get("/example/greet/ada");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("greeting")).isEqualTo("hello ada");
    // It went through the guard chain: the request metrics saw it under its route template.
    assertThat(server.get("/metrics").body())
        .contains("http_server_responses_total{method=\"GET\",route=\"/example/greet/:name\",status=\"200\"}");
  }

  @Test
  void unexpectedExceptionIsA500WithoutStackTrace() throws Exception {
    List<HttpResponse<String>> answer = new java.util.ArrayList<>();
    assertThat(CapturedLog.instead(() -> answer.add(server.get("/example/boom"))))
        .anyMatch(e -> e.getLevel() == Level.ERROR);
    HttpResponse<String> r = answer.get(0);
    assertThat(r.statusCode()).isEqualTo(500);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.fieldNames()).containsExactlyInAnyOrder("error", "message");
    assertThat(body.getString("error")).isEqualTo("internal_error");
    assertThat(r.body()).doesNotContain("secret internal detail", "Exception", "at dev.bulwark");
    assertThat(server.get("/metrics").body())
        .contains("route=\"/example/boom\",status=\"500\"");
  }

  @Test
  void unexpectedExceptionIsLoggedExactlyOnceWithItsRoute() throws Exception {
    List<ILoggingEvent> captured = CapturedLog.instead(() -> server.get("/example/boom"));
    assertThat(captured).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement().satisfies(e -> {
      assertThat(e.getFormattedMessage()).contains("GET /example/boom").contains("route /example/boom");
      assertThat(e.getThrowableProxy().getMessage()).isEqualTo("secret internal detail");
    });
  }

  @Test
  void apiErrorsKeepTheirStatusAndCode() throws Exception {
    HttpResponse<String> r = server.get("/example/teapot");
    assertThat(r.statusCode()).isEqualTo(418);
    assertThat(new JsonObject(r.body())).isEqualTo(
        new JsonObject().put("error", "teapot").put("message", "This route is a teapot."));
  }

  @Test
  void declaredBodyOverTheLimitIsRefusedBeforeReading() throws Exception {
    String answer = RawHttp.exchange(server.port(),
        "POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\npartial");
    assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close")
        .contains("\"error\":\"request_too_large\"");
  }

  @Test
  void oversizedHeadersAndRequestLinesGetJsonErrors() throws Exception {
    String headers = RawHttp.exchange(server.port(),
        "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");
    assertThat(headers).startsWith("HTTP/1.1 431").contains("\"error\":\"headers_too_large\"");
    String line = RawHttp.exchange(server.port(), "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(line).contains(" 414 ").contains("\"error\":\"uri_too_long\"");
    String garbage = RawHttp.exchange(server.port(), "NOT HTTP AT ALL\r\n\r\n");
    assertThat(garbage).contains(" 400 ").contains("\"error\":\"bad_request\"");
  }

  @Test
  void malformedContentLengthIsABadRequest() throws Exception {
    String answer = RawHttp.exchange(server.port(),
        "GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400");
  }

  @Test
  void metricsAreValidPrometheusTextWithJvmAndRequestMeters() throws Exception {
    server.get("/hello");
    HttpResponse<String> r = server.get("/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/plain");
    assertThat(PrometheusText.validate(r.body())).isGreaterThan(50);
    assertThat(r.body()).contains("jvm_memory_used_bytes", "jvm_gc_", "jvm_threads_live_threads",
        "jvm_classes_loaded_classes", "process_cpu_usage", "process_files_open_files", "bulwark_http_in_flight",
        "http_server_responses_total{method=\"GET\",route=\"/hello\",status=\"200\"}");
    // Route labels are templates, never raw paths a client could multiply.
    server.get("/no/such/path/123");
    assertThat(server.get("/metrics").body()).doesNotContain("/no/such/path/123").contains("route=\"none\"");
  }

  @Test
  void adminRefusesMissingOrWrongTokens() throws Exception {
    HttpResponse<String> none = server.admin("/admin/status", null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(none.body()).getString("error")).isEqualTo("unauthorized");
    assertThat(server.admin("/admin/status", "wrong").statusCode()).isEqualTo(401);
    assertThat(server.admin("/admin/status", server.server().adminToken() + "x").statusCode()).isEqualTo(401);
    // Unknown admin paths reveal nothing without the token either.
    assertThat(server.admin("/admin/nothing", null).statusCode()).isEqualTo(401);
  }

  @Test
  void adminStatusWithTheTokenHasEachSection() throws Exception {
    HttpResponse<String> r = server.admin("/admin/status", server.server().adminToken());
    assertThat(r.statusCode()).isEqualTo(200);
    JsonObject status = new JsonObject(r.body());
    assertThat(status.getLong("uptimeSeconds")).isNotNegative();
    assertThat(status.getJsonObject("memory").getLong("heapUsed")).isPositive();
    assertThat(status.getJsonObject("memory").getLong("heapMax")).isPositive();
    assertThat(status.getJsonObject("memory").getLong("nonHeapUsed")).isPositive();
    assertThat(status.getJsonObject("eventLoop").getInteger("count")).isEqualTo(2);
    assertThat(status.getJsonObject("http").getInteger("maxInFlight")).isEqualTo(10_000);
  }

  @Test
  void generatedTokenFileIsOwnerOnly() throws Exception {
    var file = server.server().adminTokenFile();
    assertThat(file).isNotNull();
    assertThat(Files.readString(file).trim()).isEqualTo(server.server().adminToken());
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
  }
}
