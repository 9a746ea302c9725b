package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

  @Test
  void closeLetsRequestsInProgressFinishWithinTheGrace() throws Exception {
    var dir = Files.createTempDirectory("bulwark-shutdown");
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("shutdownGrace", "10s"))
        .put("admin", new JsonObject().put("port", 0).put("tokenFile", dir.resolve("t").toString())));
    BulwarkServer server = BulwarkServer.start(config).await();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CompletableFuture<HttpResponse<String>> held = client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/example/hold?ms=700")).build(),
        HttpResponse.BodyHandlers.ofString());
    // Wait until the request is admitted, so close() really has one in progress.
    while (new JsonObject(client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.adminPort() + "/admin/status"))
        .header("Authorization", "Bearer " + server.adminToken()).build(), HttpResponse.BodyHandlers.ofString())
        .body()).getJsonObject("http").getInteger("inFlight") == 0) {
      Thread.onSpinWait();
    }
    server.close().await(20, TimeUnit.SECONDS);
    HttpResponse<String> r = held.get(5, TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("held");
  }
}
