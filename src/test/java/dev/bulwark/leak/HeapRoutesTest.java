package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The heap routes on the admin port: behind the token, bounded in rows, a diff only after a baseline. */
class HeapRoutesTest {

  private static HttpResponse<String> post(TestServer server, String path, String token) throws Exception {
    return server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().adminPort()
        + path)).header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void histogramBaselineAndDiffAnswerTheTokenOnlyWithinTheirRowLimit() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("admin", new JsonObject().put("maxHistogramRows", 20)))) {
      String token = server.server().adminToken();
      assertThat(server.admin("/admin/heap/histogram", null).statusCode()).isEqualTo(401);
      assertThat(server.admin("/admin/heap/histogram", "wrong-token-wrong-token").statusCode()).isEqualTo(401);
      HttpResponse<String> histogram = server.admin("/admin/heap/histogram?top=5", token);
      assertThat(histogram.statusCode()).isEqualTo(200);
      JsonObject json = new JsonObject(histogram.body());
      assertThat(json.getJsonArray("classes")).hasSize(5);
      assertThat(json.getLong("totalBytes")).isPositive();
      assertThat(server.admin("/admin/heap/histogram?top=21", token).statusCode()).isEqualTo(400);
      assertThat(server.admin("/admin/heap/histogram?top=x", token).statusCode()).isEqualTo(400);
      HttpResponse<String> early = server.admin("/admin/heap/diff", token);
      assertThat(early.statusCode()).isEqualTo(409);
      assertThat(new JsonObject(early.body()).getString("error")).isEqualTo("no_baseline");
      assertThat(post(server, "/admin/heap/baseline", token).statusCode()).isEqualTo(201);
      HttpResponse<String> diff = server.admin("/admin/heap/diff?top=3", token);
      assertThat(diff.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(diff.body()).getJsonArray("classes").size()).isLessThanOrEqualTo(3);
    }
  }
}
