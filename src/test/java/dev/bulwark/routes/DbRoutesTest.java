package dev.bulwark.routes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The /db routes through the Redis connection pool, on a real redis-server. */
class DbRoutesTest {

  private static HttpResponse<String> incr(TestServer server, String name) throws Exception {
    return server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/db/counters/" + name + "/incr")).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void parallelIncrementsThroughAPoolOfFourCountExactlyOnceEach() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        TestServer server = TestServer.start(new JsonObject()
            .put("redis", new JsonObject().put("url", redis.url()))
            .put("pool", new JsonObject().put("maxSize", 4).put("maxWaiting", 1000)))) {
      int n = 300;
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        answers.add(server.client().sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
            + "/db/counters/hits/incr")).POST(HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      long max = 0;
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        HttpResponse<String> r = answer.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        max = Math.max(max, new JsonObject(r.body()).getLong("value"));
      }
      assertThat(max).isEqualTo(n);
      assertThat(redis.command("INCRBY bulwark:counter:hits 0")).isEqualTo(":" + n);
      JsonObject pool = new JsonObject(server.get("/db/pool").body());
      assertThat(pool.getInteger("size")).isLessThanOrEqualTo(4);
      assertThat(pool.getInteger("active")).as("every lease came back").isZero();
      assertThat(server.status().getJsonObject("pool").getInteger("maxSize")).isEqualTo(4);
      assertThat(incr(server, "no%20spaces").statusCode()).isEqualTo(400);
    }
  }

  @Test
  void redisDownGives503AndThePoolRecoversWhenItReturns() throws Exception {
    try (RedisProcess redis = RedisProcess.start();
        TestServer server = TestServer.start(new JsonObject()
            .put("redis", new JsonObject().put("url", redis.url()).put("required", true))
            .put("pool", new JsonObject().put("acquireTimeout", "500ms")))) {
      assertThat(incr(server, "c").statusCode()).isEqualTo(200);
      assertThat(server.get("/metrics").body()).contains("bulwark_pool_size{pool=\"redis\"}")
          .contains("bulwark_pool_acquired_total{pool=\"redis\"}");
      redis.stop();
      HttpResponse<String> down = incr(server, "c");
      assertThat(down.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(down.body()).getString("error")).isIn("backend_unavailable", "pool_timeout");
      long readyDeadline = System.nanoTime() + 10_000_000_000L;
      while (System.nanoTime() < readyDeadline && server.get("/health/ready").statusCode() != 503) {
        Thread.sleep(100);
      }
      assertThat(server.get("/health/ready").statusCode()).as("readiness says Redis is down").isEqualTo(503);
      redis.restart();
      long deadline = System.nanoTime() + 10_000_000_000L;
      int status = 0;
      while (System.nanoTime() < deadline && (status = incr(server, "c").statusCode()) != 200) {
        Thread.sleep(100);
      }
      assertThat(status).as("served again without restarting Bulwark").isEqualTo(200);
      while (System.nanoTime() < deadline && server.get("/health/ready").statusCode() != 200) {
        Thread.sleep(100);
      }
      assertThat(server.get("/health/ready").statusCode()).as("ready again").isEqualTo(200);
      assertThat(new JsonObject(server.get("/db/pool").body()).getInteger("active")).isZero();
    }
  }

  @Test
  void withoutRedisTheRoutesSayItIsNotConfigured() throws Exception {
    try (TestServer server = TestServer.start()) {
      HttpResponse<String> r = incr(server, "c");
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("redis_not_configured");
      assertThat(server.get("/db/pool").statusCode()).isEqualTo(503);
    }
  }
}
