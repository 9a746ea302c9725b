package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each level forced through memory.injectFile, as an operator's drill would, and its actions seen over real HTTP. */
class PressureTest {

  private static TestServer server;
  private static Path inject;

  @BeforeAll
  static void start() throws Exception {
    inject = Files.createTempDirectory("bulwark-pressure").resolve("pressure");
    server = TestServer.start(new JsonObject()
        .put("memory", new JsonObject().put("injectFile", inject.toString()).put("sampleInterval", "20ms")
            .put("minDwell", "0s").put("gcProbeInterval", "0s").put("criticalRoutes", new JsonArray().add("/example/")))
        .put("lab", new JsonObject().put("enabled", true)));
  }

  @AfterAll
  static void stop() throws Exception {
    Files.deleteIfExists(inject);
    server.close();
  }

  @BeforeEach
  void normal() throws Exception {
    force(null, "NORMAL");
  }

  @Test
  void criticalShedsNonCriticalRoutesWith503AndRetryAfter() throws Exception {
    force("0.95", "CRITICAL");
    long shedBefore = shed("critical");
    HttpResponse<String> r = server.get("/hello");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(r.headers().firstValue("retry-after")).isPresent();
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("overloaded");
    assertThat(shed("critical")).isEqualTo(shedBefore + 1);
  }

  @Test
  void criticalShedsBeforeTheBodyIsRead() throws Exception {
    force("0.95", "CRITICAL");
    // Headers promise a body that never comes: only an answer given before reading it can arrive.
    String answer = RawHttp.exchange(server.port(),
        "POST /lab/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 500000\r\n\r\n", false);
    assertThat(answer).startsWith("HTTP/1.1 503").containsIgnoringCase("connection: close")
        .contains("\"error\":\"overloaded\"");
  }

  @Test
  void criticalRoutesPassAndDegrade() throws Exception {
    force("0.95", "CRITICAL");
    assertThat(server.get("/health/live").statusCode()).isEqualTo(200);
    assertThat(server.get("/metrics").statusCode()).isEqualTo(200);
    assertThat(server.get("/example/greet/ada").statusCode()).as("memory.criticalRoutes").isEqualTo(200);
    assertThat(new JsonObject(server.get("/critical/data").body()))
        .isEqualTo(new JsonObject().put("status", "minimal"));
    HttpResponse<String> ready = server.get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.headers().firstValue("retry-after")).isPresent();
    assertThat(new JsonObject(ready.body()).getJsonArray("reasons")).contains("memory_pressure_critical");
    assertThat(new JsonObject(server.get("/health").body()).getString("status")).isEqualTo("degraded");
    assertThat(server.status().getJsonObject("pressure").getString("level")).as("admin port").isEqualTo("CRITICAL");
  }

  @Test
  void elevatedAnswersWithConnectionClose() throws Exception {
    force("0.75", "ELEVATED");
    HttpResponse<String> r = server.get("/hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("connection")).hasValue("close");
  }

  @Test
  void normalServesInFull() throws Exception {
    HttpResponse<String> r = server.get("/hello");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("connection")).isEmpty();
    JsonObject data = new JsonObject(server.get("/critical/data").body());
    assertThat(data.getString("status")).isEqualTo("full");
    assertThat(data.getJsonObject("data").getJsonArray("items")).isNotEmpty();
    assertThat(server.get("/health/ready").statusCode()).isEqualTo(200);
    JsonObject health = new JsonObject(server.get("/health").body());
    assertThat(health.getString("status")).isEqualTo("healthy");
    assertThat(health.getJsonArray("reasons")).isEmpty();
    JsonObject figures = new JsonObject(server.admin("/admin/health", server.server().adminToken()).body());
    assertThat(figures.getString("pressure")).isEqualTo("NORMAL");
    assertThat(figures.getJsonObject("memory").getLong("heapMax")).isPositive();
  }

  @Test
  void theLabLeakIsBoundedAndResetFreesIt() throws Exception {
    assertThat(server.get("/lab/leak/bytes?kb=0").statusCode()).isEqualTo(400);
    assertThat(server.get("/lab/leak/bytes?kb=abc").statusCode()).isEqualTo(400);
    assertThat(server.get("/lab/leak/bytes?kb=2048").statusCode()).isEqualTo(400);
    JsonObject kept = new JsonObject(server.get("/lab/leak/bytes?kb=64").body());
    assertThat(kept.getLong("heldKb")).isGreaterThanOrEqualTo(64);
    JsonObject reset = new JsonObject(server.post("/lab/reset", "").body());
    assertThat(reset.getLong("releasedBytes")).isGreaterThanOrEqualTo(64 * 1024);
  }

  private static void force(String value, String level) throws Exception {
    if (value == null) {
      Files.deleteIfExists(inject);
    } else {
      Files.writeString(inject, value);
    }
    server.awaitStatus(s -> s.getJsonObject("pressure").getString("level").equals(level));
  }

  private static long shed(String level) throws Exception {
    return server.status().getJsonObject("pressure").getJsonObject("shed").getJsonObject(level).getLong("pressure");
  }
}
