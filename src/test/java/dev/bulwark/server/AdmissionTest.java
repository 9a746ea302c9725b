package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AdmissionTest {

  @Test
  void refusesPastMaxInFlightWith503AndRetryAfterThenRecovers() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("instances", 1).put("maxConcurrentRequests", 1).put("retryAfter", "7s")))) {
      CompletableFuture<HttpResponse<String>> held = server.getAsync("/example/hold?ms=2000");
      awaitInFlight(server, 1);

      HttpResponse<String> refused = server.get("/hello");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.headers().firstValue("retry-after")).hasValue("7");
      assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("overloaded");

      assertThat(held.get().body()).isEqualTo("held");
      assertThat(server.get("/hello").statusCode()).isEqualTo(200);
      JsonObject http = server.status().getJsonObject("http");
      assertThat(http.getLong("rejected")).isEqualTo(1);
      assertThat(http.getInteger("inFlight")).isZero();
    }
  }

  private static void awaitInFlight(TestServer server, int expected) throws Exception {
    for (int i = 0; i < 500; i++) {
      if (server.status().getJsonObject("http").getInteger("inFlight") == expected) {
        return;
      }
      Thread.onSpinWait();
    }
    throw new AssertionError("in-flight count never reached " + expected);
  }
}
