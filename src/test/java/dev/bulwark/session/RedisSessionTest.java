package dev.bulwark.session;

import static dev.bulwark.session.SessionHttp.errorOf;
import static dev.bulwark.session.SessionHttp.idOf;
import static dev.bulwark.session.SessionHttp.newSession;
import static dev.bulwark.session.SessionHttp.putAll;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sessions shared by two Bulwark instances through one real redis-server: concurrent writes from both keep exactly
 * what the limits allow, values are bytes, and a session Redis could not store is never announced.
 */
class RedisSessionTest {

  private static final int MAX_KEYS = 32;
  private static final int MAX_VALUE = 4096;
  private static final String DATA = "d:";
  private static RedisProcess redisProcess;
  private static TestServer a;
  private static TestServer b;
  private static Vertx vertx;
  private static Redis redis;

  @BeforeAll
  static void start() throws Exception {
    redisProcess = RedisProcess.start();
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("instances", 2))
        .put("redis", new JsonObject().put("url", redisProcess.url() + "/0"))
        .put("sessions", new JsonObject().put("maxKeys", MAX_KEYS).put("maxValueSize", MAX_VALUE));
    a = TestServer.start(config.copy());
    b = TestServer.start(config.copy());
    vertx = Vertx.vertx();
    redis = Redis.createClient(vertx, redisProcess.url() + "/0");
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      a.close();
      b.close();
      redis.close();
      vertx.close().await(10, TimeUnit.SECONDS);
    } finally {
      redisProcess.close();
    }
  }

  private static Response redis(Request request) throws Exception {
    return redis.send(request).await(10, TimeUnit.SECONDS);
  }

  /** {@code bulwark_session_refusals_total{reason="too_many_keys"}} in the scrape of {@code server}. */
  private static double tooManyKeysRefusals(TestServer server) throws Exception {
    String series = "bulwark_session_refusals_total{reason=\"too_many_keys\"} ";
    return server.get("/metrics").body().lines().filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length()))).findFirst().orElseThrow();
  }

  private static String keyOf(String cookie) {
    return "bulwark:session:" + idOf(cookie);
  }

  /** The session's data fields in Redis, by key. */
  private static Map<String, byte[]> dataOf(String cookie) throws Exception {
    Response all = redis(Request.cmd(Command.HGETALL).arg(keyOf(cookie)));
    Map<String, byte[]> data = new HashMap<>();
    for (String field : all.getKeys()) {
      if (field.startsWith(DATA)) {
        data.put(field.substring(DATA.length()), all.get(field).toBuffer().getBytes());
      }
    }
    return data;
  }

  @Test
  void parallelWritesFromTwoInstancesKeepExactlyMaxKeys() throws Exception {
    String cookie = newSession(a.port());
    byte[][] values = SessionHttp.values(2, 60, 300);
    double refusedBefore = tooManyKeysRefusals(a) + tooManyKeysRefusals(b);
    List<HttpResponse<byte[]>> puts = putAll(values, cookie, i -> i % 2 == 0 ? a.port() : b.port());
    SessionHttp.assertKeptExactly(puts, MAX_KEYS);
    assertThat(tooManyKeysRefusals(a) + tooManyKeysRefusals(b) - refusedBefore).as("refusals in the scrapes")
        .isEqualTo(puts.stream().filter(p -> p.statusCode() == 413).count());
    Map<String, byte[]> stored = dataOf(cookie);
    assertThat(stored).hasSize(MAX_KEYS);
    for (int i = 0; i < values.length; i++) {
      if (puts.get(i).statusCode() == 204) {
        assertThat(stored.get("k" + i)).as("k" + i + " in Redis").isEqualTo(values[i]);
        assertThat(SessionHttp.send(i % 2 == 0 ? b.port() : a.port(), "GET", "/session/data/k" + i, null, cookie)
            .body()).as("k" + i + " read on the other instance").isEqualTo(values[i]);
      } else {
        assertThat(stored).doesNotContainKey("k" + i);
      }
    }
    long ttl = redis(Request.cmd(Command.PTTL).arg(keyOf(cookie))).toLong();
    assertThat(ttl).as("the session timeout as TTL").isPositive().isLessThanOrEqualTo(30 * 60 * 1000);
  }

  @Test
  void binaryValuesRoundTripAndCountTheirBytes() throws Exception {
    String cookie = newSession(a.port());
    byte[] ff = new byte[MAX_VALUE];
    Arrays.fill(ff, (byte) 0xFF);
    assertThat(SessionHttp.send(a.port(), "PUT", "/session/data/bin", ff, cookie).statusCode()).isEqualTo(204);
    HttpResponse<byte[]> get = SessionHttp.send(b.port(), "GET", "/session/data/bin", null, cookie);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(ff);
    assertThat(redis(Request.cmd(Command.HSTRLEN).arg(keyOf(cookie)).arg(DATA + "bin")).toLong()).isEqualTo(MAX_VALUE);
    assertThat(SessionHttp.send(b.port(), "DELETE", "/session/data/bin", null, cookie).statusCode()).isEqualTo(204);
    assertThat(SessionHttp.send(a.port(), "GET", "/session/data/bin", null, cookie).statusCode()).isEqualTo(404);
  }

  @Test
  void scriptsFlushedFromRedisAreSentAgain() throws Exception {
    String cookie = newSession(a.port());
    redis(Request.cmd(Command.SCRIPT).arg("FLUSH"));
    assertThat(SessionHttp.send(a.port(), "PUT", "/session/data/k", new byte[] {1}, cookie).statusCode())
        .isEqualTo(204);
    assertThat(SessionHttp.send(a.port(), "GET", "/session/data/k", null, cookie).body()).isEqualTo(new byte[] {1});
  }

  @Test
  void aValueOverTheLimitIsRefusedAndNothingIsStored() throws Exception {
    String cookie = newSession(a.port());
    HttpResponse<byte[]> big = SessionHttp.send(b.port(), "PUT", "/session/data/big", new byte[MAX_VALUE + 1], cookie);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(errorOf(big)).isEqualTo("value_too_large");
    assertThat(redis(Request.cmd(Command.HEXISTS).arg(keyOf(cookie)).arg(DATA + "big")).toInteger()).isZero();
  }

  @Test
  void visitsCountAcrossInstancesAndKeysStayUnderThePrefix() throws Exception {
    String cookie = newSession(a.port());
    HttpResponse<byte[]> onB = SessionHttp.send(b.port(), "GET", "/session", null, cookie);
    assertThat(new JsonObject(Buffer.buffer(onB.body())).getInteger("visits")).isEqualTo(2);
    assertThat(onB.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(redis(Request.cmd(Command.TYPE).arg(keyOf(cookie))).toString()).isEqualTo("hash");
    for (Response key : redis(Request.cmd(Command.KEYS).arg("*"))) {
      assertThat(key.toString()).startsWith("bulwark:session:");
    }
  }

  @Test
  void whileRedisIsDownNoSessionIsAnnouncedAndNothingIsLoggedAsAnError() throws Exception {
    String cookie = newSession(a.port());
    List<ILoggingEvent> loud = SessionHttp.loudEventsDuring(() -> {
      redisProcess.stop();
      try {
        for (TestServer server : List.of(a, b)) {
          HttpResponse<byte[]> fresh = SessionHttp.send(server.port(), "GET", "/session", null, null);
          assertThat(fresh.statusCode()).isEqualTo(503);
          assertThat(errorOf(fresh)).isEqualTo("backend_unavailable");
          assertThat(fresh.headers().firstValue("set-cookie")).as("a session never stored").isEmpty();
          HttpResponse<byte[]> write = SessionHttp.send(server.port(), "PUT", "/session/data/k", new byte[] {1},
              cookie);
          assertThat(write.statusCode()).isEqualTo(503);
          assertThat(write.headers().firstValue("set-cookie")).isEmpty();
          HttpResponse<byte[]> anonymousWrite = SessionHttp.send(server.port(), "PUT", "/session/data/k",
              new byte[] {1}, null);
          assertThat(anonymousWrite.statusCode()).isEqualTo(503);
          assertThat(anonymousWrite.headers().firstValue("set-cookie")).isEmpty();
          assertThat(SessionHttp.send(server.port(), "GET", "/session/data/k", null, cookie).statusCode())
              .isEqualTo(503);
        }
      } finally {
        redisProcess.restart();
      }
      return null;
    });
    assertThat(loud).as("a client must never be able to write an ERROR line or a stack trace").isEmpty();
    int status = 0;
    for (int attempt = 0; attempt < 50 && status != 200; attempt++) {
      status = SessionHttp.send(a.port(), "GET", "/session", null, null).statusCode();
    }
    assertThat(status).as("sessions recover once Redis is back").isEqualTo(200);
  }
}
