package dev.bulwark.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The dashboard's page without the token (and nothing else), and its time series behind it, over real HTTP. */
class DashboardRoutesTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("admin", new JsonObject().put("dashboardSamples", 3)
        .put("dashboardInterval", "100ms")));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void thePageAndItsAssetsNeedNoTokenAndCarryAStrictPolicy() throws Exception {
    for (String path : List.of("/admin/", "/admin/dashboard.js", "/admin/dashboard.css", "/admin/favicon.svg")) {
      HttpResponse<String> page = server.admin(path, null);
      assertThat(page.statusCode()).as(path).isEqualTo(200);
      assertThat(page.headers().firstValue("Cache-Control")).as(path).hasValue("no-store");
      assertThat(page.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
      assertThat(page.headers().firstValue("Content-Security-Policy")).as(path)
          .hasValue(DashboardRoutes.CONTENT_SECURITY_POLICY);
    }
    HttpResponse<String> html = server.admin("/admin/", null);
    assertThat(html.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(html.body()).contains("<script src=\"dashboard.js\" defer></script>")
        .doesNotContain("<script>").doesNotContain("style=");
  }

  @Test
  void everyOtherAdminPathStillNeedsTheToken() throws Exception {
    for (String path : List.of("/admin/timeseries", "/admin/status", "/admin/leaks", "/admin/dashboard.json",
        "/admin/index.html", "/admin/dashboard.js/x", "/admin/./status", "/admin/%2e%2e/status", "/")) {
      HttpResponse<String> answer = server.admin(path, null);
      assertThat(answer.statusCode()).as(path).isEqualTo(401);
      assertThat(new JsonObject(answer.body()).getString("error")).as(path).isEqualTo("unauthorized");
    }
  }

  @Test
  void theTimeSeriesKeepsTheLastSamplesOfTheStatusFigures() throws Exception {
    String token = server.server().adminToken();
    JsonObject series = awaitSamples(token, 3);
    assertThat(series.getLong("intervalMs")).isEqualTo(100);
    assertThat(series.getInteger("capacity")).isEqualTo(3);
    assertThat(series.getJsonObject("heapThresholds"))
        .isEqualTo(new JsonObject().put("elevated", 0.70).put("critical", 0.85));
    JsonArray samples = series.getJsonArray("samples");
    assertThat(samples).hasSize(3);
    JsonObject last = samples.getJsonObject(2);
    assertThat(last.fieldNames()).contains("t", "heapUsed", "heapMax", "oldGenAfterLastGc", "heapAfterGc",
        "heapFraction", "pressureLevel", "shedCount", "budgets", "scopesOpen", "scopesOutstanding", "caches",
        "connections", "inFlight", "delayP99Ms", "leakStatus");
    assertThat(last.getString("pressureLevel")).isEqualTo("NORMAL");
    assertThat(last.getJsonObject("budgets").getJsonObject("children").fieldNames()).contains("bodies");
    assertThat(last.getJsonArray("caches").getJsonObject(0).getString("name")).isEqualTo("default");
    assertThat(samples.getJsonObject(0).getLong("t")).isLessThan(last.getLong("t"));
    JsonObject since = new JsonObject(server.admin("/admin/timeseries?since=" + last.getLong("t"), token).body());
    assertThat(since.getJsonArray("samples").stream().map(s -> ((JsonObject) s).getLong("t")))
        .allMatch(t -> t > last.getLong("t"));
  }

  @Test
  void aSinceThatIsNotANumberIs400() throws Exception {
    HttpResponse<String> answer = server.admin("/admin/timeseries?since=yesterday", server.server().adminToken());
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(answer.body()).getString("error")).isEqualTo("bad_since");
  }

  private static JsonObject awaitSamples(String token, int count) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    JsonObject series = new JsonObject(server.admin("/admin/timeseries", token).body());
    while (series.getJsonArray("samples").size() < count) {
      assertThat(System.nanoTime()).as("samples within 10 s").isLessThan(deadline);
      Thread.onSpinWait();
      series = new JsonObject(server.admin("/admin/timeseries", token).body());
    }
    return series;
  }
}
