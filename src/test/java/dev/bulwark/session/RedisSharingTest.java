package dev.bulwark.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import dev.bulwark.testing.TwoInstances;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Bulwark instances sharing one real redis-server (started here on a free port): sessions and shared cache
 * entries cross instances; Redis stopped and restarted mid-test gives clear 503s, then recovery without a restart.
 */
class RedisSharingTest {

  private static TwoInstances two;
  private static RedisProcess redis;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() throws Exception {
    two = TwoInstances.start(new JsonObject().put("required", true));
    redis = two.redis;
    a = two.a;
    b = two.b;
  }

  @AfterAll
  static void stop() throws Exception {
    two.close();
  }

  private static HttpResponse<String> send(TestServer server, String method, String path, String body, String cookie)
      throws Exception {
    return TwoInstances.send(server, method, path, body, cookie);
  }

  @Test
  void aSessionMadeOnOneInstanceIsSeenByTheOther() throws Exception {
    HttpResponse<String> first = send(a, "GET", "/session", null, null);
    String cookie = first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    JsonObject onB = new JsonObject(send(b, "GET", "/session", null, cookie).body());
    assertThat(onB.getInteger("visits")).isEqualTo(2);
    assertThat(redis.command("KEYS bulwark:session:*")).as("sessions under their own prefix").isNotEqualTo("*0");
    assertThat(redis.command("KEYS *")).as("no key outside the prefix").isEqualTo(redis.command("KEYS bulwark:*"));
  }

  @Test
  void aSharedCacheEntryWrittenOnOneIsReadOnTheOther() throws Exception {
    assertThat(send(a, "PUT", "/cache/shared/k1", "v1", null).statusCode()).isEqualTo(204);
    HttpResponse<String> onB = send(b, "GET", "/cache/shared/k1", null, null);
    assertThat(onB.statusCode()).isEqualTo(200);
    assertThat(onB.body()).isEqualTo("v1");
    assertThat(send(b, "DELETE", "/cache/shared/k1", null, null).statusCode()).isEqualTo(204);
    assertThat(send(b, "GET", "/cache/shared/k1", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void redisDownGivesClear503sAndItRecoversWithoutARestart() throws Exception {
    send(a, "PUT", "/cache/shared/kept", "local copy", null);
    assertThat(send(a, "GET", "/cache/shared/kept", null, null).statusCode()).isEqualTo(200);
    String cookie = send(a, "GET", "/session", null, null).headers().firstValue("set-cookie").orElseThrow()
        .split(";")[0];
    redis.stop();
    try {
      HttpResponse<String> write = send(a, "PUT", "/cache/shared/k2", "v2", null);
      assertThat(write.statusCode()).isEqualTo(503);
      assertThat(write.headers().firstValue("retry-after")).isPresent();
      assertThat(new JsonObject(write.body()).getString("error")).isEqualTo("backend_unavailable");
      assertThat(send(a, "GET", "/cache/shared/kept", null, null).body()).as("the local layer serves")
          .isEqualTo("local copy");
      HttpResponse<String> session = send(a, "GET", "/session", null, cookie);
      assertThat(session.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(session.body()).getString("error")).isEqualTo("backend_unavailable");
      awaitReady(a, 503);
    } finally {
      redis.restart();
    }
    awaitReady(a, 200);
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 204; attempt++) {
      status = send(a, "PUT", "/cache/shared/k2", "v2", null).statusCode();
    }
    assertThat(status).as("writes recover once Redis is back").isEqualTo(204);
    assertThat(send(b, "GET", "/cache/shared/k2", null, null).body()).isEqualTo("v2");
    assertThat(send(b, "GET", "/session", null, null).statusCode()).isEqualTo(200);
    assertThat(new JsonObject(send(a, "GET", "/health/ready", null, null).body()).getString("status")).isEqualTo("UP");
  }

  private static void awaitReady(TestServer server, int expected) throws Exception {
    long deadline = System.nanoTime() + 15_000_000_000L;
    int status;
    do {
      status = send(server, "GET", "/health/ready", null, null).statusCode();
      if (status == expected) {
        return;
      }
      Thread.onSpinWait();
    } while (System.nanoTime() < deadline);
    throw new AssertionError("/health/ready never answered " + expected + " (last " + status + ")");
  }
}
