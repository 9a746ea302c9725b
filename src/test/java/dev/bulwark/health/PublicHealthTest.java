package dev.bulwark.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The public port says how the server is, never its figures; the admin port has them. */
class PublicHealthTest {

  @Test
  void publicHealthSaysStatusAndReasonsOnlyAndTheAdminPortHasTheFigures() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> pub = server.get("/health");
      JsonObject body = new JsonObject(pub.body());
      assertThat(body.fieldNames()).containsExactlyInAnyOrder("status", "reasons");
      assertThat(body.getString("status")).isEqualTo(Health.HEALTHY);
      assertThat(pub.body()).doesNotContain("heap").doesNotContain("rss");
      HttpResponse<String> admin = server.admin("/admin/health", server.server().adminToken());
      assertThat(admin.statusCode()).isEqualTo(200);
      assertThat(admin.headers().firstValue("cache-control")).hasValue("no-store");
      JsonObject figures = new JsonObject(admin.body());
      assertThat(figures.getJsonObject("memory").getLong("heapMax")).isPositive();
      assertThat(figures.getLong("uptimeSeconds")).isNotNegative();
      assertThat(server.admin("/admin/health", null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void cacheStatisticsAreOnlyOnTheAdminPortUnlessMadePublic() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(server.get("/cache/default").statusCode()).isEqualTo(404);
      assertThat(server.status().getJsonArray("caches").getJsonObject(0).getString("name")).isEqualTo("default");
    }
    try (TestServer server = TestServer.start(new JsonObject()
        .put("cache", new JsonObject().put("publicStats", true)))) {
      assertThat(new JsonObject(server.get("/cache/default").body()).getString("name")).isEqualTo("default");
    }
  }
}
