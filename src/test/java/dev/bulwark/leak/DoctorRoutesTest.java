package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@code GET /admin/doctor} and the {@code eventLoop} status section on a running server. */
class DoctorRoutesTest {

  @Test
  void theDoctorNeedsTheTokenAndAnswersAVerdictWithEveryCheck() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(server.admin("/admin/doctor", null).statusCode()).isEqualTo(401);
      HttpResponse<String> answer = server.admin("/admin/doctor", server.server().adminToken());
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
          .startsWith("application/json"));
      JsonObject report = new JsonObject(answer.body());
      assertThat(report.getString("verdict")).isIn("ok", "warn", "critical");
      assertThat(report.getString("summary")).isNotBlank();
      assertThat(report.getJsonArray("findings").stream().map(f -> ((JsonObject) f).getString("check")))
          .containsExactly("event-loop delay", "blocked threads", "gc time share", "heap trend", "handle growth",
              "pressure");
      assertThat(report.getJsonArray("findings").stream().map(JsonObject.class::cast)).allSatisfy(f -> {
        assertThat(f.getString("status")).isIn("ok", "warn", "critical");
        assertThat(f.getJsonObject("evidence")).isNotNull();
        assertThat(f.getString("advice")).isNotBlank();
      });

      JsonObject eventLoop = server.status().getJsonObject("eventLoop");
      assertThat(eventLoop.getInteger("count")).isEqualTo(eventLoop.getJsonArray("loops").size()).isPositive();
      assertThat(eventLoop.getDouble("delayP99Ms")).isGreaterThanOrEqualTo(0.0);
      assertThat(eventLoop.getDouble("delayMaxMs")).isGreaterThanOrEqualTo(eventLoop.getDouble("delayP99Ms"));
      assertThat(eventLoop.getJsonArray("loops").getJsonObject(0).fieldNames())
          .contains("thread", "probes", "delayP99Ms", "delayMaxMs");
    }
  }

  @Test
  void aHandlerBlockingAnEventLoopFor300MsShowsAsEventLoopDelay() throws Exception {
    // 50 probes a window: its p99 is its maximum, which stays in view for 2 s after the block.
    try (TestServer server = TestServer.start(new JsonObject().put("doctor", new JsonObject()
        .put("probeInterval", "40ms").put("window", "2s").put("warnLoopDelay", "100ms")
        .put("criticalLoopDelay", "10s")))) {
      String token = server.server().adminToken();
      awaitProbes(server);
      server.server().vertx().runOnContext(v -> {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < end) {
          Thread.onSpinWait(); // the fault under test: a handler keeping its event loop busy
        }
      });
      JsonObject delay = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < deadline) {
        JsonObject report = new JsonObject(server.admin("/admin/doctor", token).body());
        delay = report.getJsonArray("findings").getJsonObject(0);
        if (delay.getJsonObject("evidence").getDouble("maxMs") >= 250) {
          break;
        }
      }
      assertThat(delay.getString("check")).isEqualTo("event-loop delay");
      assertThat(delay.getString("status")).as(delay.encode()).isEqualTo("warn");
      assertThat(delay.getJsonObject("evidence").getDouble("maxMs")).isBetween(200.0, 1_000.0);
      assertThat(delay.getJsonObject("evidence").getString("worstLoop")).startsWith("vert.x-eventloop-thread-");
      assertThat(server.status().getJsonObject("eventLoop").getDouble("delayP99Ms")).isGreaterThan(200.0);
    }
  }

  /** Waits until every loop's probe has run a few times, so a late one is measured against a running probe. */
  private static void awaitProbes(TestServer server) throws Exception {
    server.awaitStatus(s -> s.getJsonObject("eventLoop").getJsonArray("loops").stream()
        .allMatch(l -> ((JsonObject) l).getInteger("probes") >= 3));
  }
}
