package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.PrometheusText;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class MetricsPortTest {

  @Test
  void aSeparateScrapePortServesTheMetricsAndTheMainPortDoesNot() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("metrics", new JsonObject().put("port", 0).put("path", "/prom")))) {
      server.get("/hello");
      int port = server.server().metricsPort();
      assertThat(port).isPositive().isNotEqualTo(server.port());
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/prom")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(PrometheusText.validate(scrape.body())).isPositive();
      assertThat(scrape.body()).contains("route=\"/hello\"");
      assertThat(server.get("/prom").statusCode()).isEqualTo(404);
    }
  }
}
