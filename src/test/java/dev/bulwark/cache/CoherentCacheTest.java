package dev.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import dev.bulwark.testing.TwoInstances;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Bulwark instances on one real redis-server, with a shared cache: a write or delete on one is seen by the other
 * (its local copy dropped by the invalidation), within a measured lag, and no stale copy survives a Redis restart.
 */
class CoherentCacheTest {

  private static final int UPDATES = 10_000;
  private static TwoInstances two;
  private static RedisProcess redis;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() throws Exception {
    two = TwoInstances.start(new JsonObject());
    redis = two.redis;
    a = two.a;
    b = two.b;
    TwoInstances.awaitSubscription(a, 1);
    TwoInstances.awaitSubscription(b, 1);
  }

  @AfterAll
  static void stop() throws Exception {
    two.close();
  }

  @Test
  void aPutOnOneInstanceIsServedByTheOtherThatHadTheOldValueCached() throws Exception {
    assertThat(send(b, "PUT", "/cache/shared/p", "v1").statusCode()).isEqualTo(204);
    assertThat(send(a, "GET", "/cache/shared/p", null).body()).isEqualTo("v1"); // now a local copy on A
    assertThat(send(b, "PUT", "/cache/shared/p", "v2").statusCode()).isEqualTo(204);
    TwoInstances.awaitBody(a, "/cache/shared/p", "v2");
  }

  @Test
  void aDeleteOnOneInstanceIsA404OnTheOther() throws Exception {
    assertThat(send(b, "PUT", "/cache/shared/d", "v1").statusCode()).isEqualTo(204);
    assertThat(send(a, "GET", "/cache/shared/d", null).body()).isEqualTo("v1");
    assertThat(send(b, "DELETE", "/cache/shared/d", null).statusCode()).isEqualTo(204);
    long deadline = System.nanoTime() + 5_000_000_000L;
    int status;
    do {
      status = send(a, "GET", "/cache/shared/d", null).statusCode();
    } while (status != 404 && System.nanoTime() < deadline);
    assertThat(status).isEqualTo(404);
  }

  /** Lag from B's write answered to A's receipt of the invalidation, over 10,000 writes; printed, loosely bounded. */
  @Test
  void invalidationsReachTheOtherInstanceWithinAShortLag() throws Exception {
    MeterRegistry registry = a.server().metrics().registry();
    FunctionCounter received = registry.find("bulwark.cache.invalidations").tag("direction", "received")
        .functionCounter();
    assertThat(received).isNotNull();
    long[] lagNanos = new long[UPDATES];
    long[] sinceSentNanos = new long[UPDATES];
    for (int i = 0; i < UPDATES; i++) {
      double before = received.count();
      long sent = System.nanoTime();
      assertThat(send(b, "PUT", "/cache/shared/lag", "v" + i).statusCode()).isEqualTo(204);
      long written = System.nanoTime();
      long deadline = written + 5_000_000_000L;
      while (received.count() == before && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(received.count()).as("invalidation %d received", i).isGreaterThan(before);
      long seen = System.nanoTime();
      lagNanos[i] = seen - written;
      sinceSentNanos[i] = seen - sent;
    }
    Arrays.sort(lagNanos);
    Arrays.sort(sinceSentNanos);
    System.out.printf("invalidation lag over %d writes (B's PUT sent -> A received, whole write included): p50 %.3f "
        + "ms, p99 %.3f ms, max %.3f ms%n", UPDATES, sinceSentNanos[UPDATES / 2] / 1e6,
        sinceSentNanos[UPDATES * 99 / 100] / 1e6, sinceSentNanos[UPDATES - 1] / 1e6);
    double p50 = lagNanos[UPDATES / 2] / 1e6;
    double p99 = lagNanos[UPDATES * 99 / 100] / 1e6;
    double max = lagNanos[UPDATES - 1] / 1e6;
    System.out.printf("invalidation lag over %d writes (B's PUT answered -> A received): p50 %.3f ms, p99 %.3f ms, "
        + "max %.3f ms%n", UPDATES, p50, p99, max);
    assertThat(p99).as("p99 lag in ms (generous: CI timing is noisy)").isLessThan(500);
    TwoInstances.awaitBody(a, "/cache/shared/lag", "v" + (UPDATES - 1));
  }

  @Test
  void noInstanceServesACopyFromBeforeARedisRestartThatChangedDuringIt() throws Exception {
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      assertThat(send(b, "PUT", "/cache/shared/r", "v1").statusCode()).isEqualTo(204);
      assertThat(send(a, "GET", "/cache/shared/r", null).body()).isEqualTo("v1"); // A's local copy
      redis.stop();
      TwoInstances.awaitSubscription(a, 0);
      redis.restart(); // empty: no persistence
      TwoInstances.awaitSubscription(b, 1);
      int status = 0;
      for (int attempt = 0; attempt < 50 && status != 204; attempt++) {
        status = send(b, "PUT", "/cache/shared/r", "v2").statusCode();
      }
      assertThat(status).isEqualTo(204);
      // Whether A has resubscribed yet (cleared) or not (past staleFor it asks Redis), it never serves v1 again.
      HttpResponse<String> onA = send(a, "GET", "/cache/shared/r", null);
      assertThat(onA.body()).isNotEqualTo("v1");
      TwoInstances.awaitBody(a, "/cache/shared/r", "v2");
      TwoInstances.awaitSubscription(a, 1);
      return null;
    });
    assertThat(events).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR));
    assertThat(events).noneMatch(e -> e.getThrowableProxy() != null);
  }

  @Test
  void pastStaleForALocalCopyIsNotServedWhileRedisIsDown() throws Exception {
    // staleFor is 2 s by default; once past it with Redis down, the copy Redis cannot confirm is a 503.
    assertThat(send(b, "PUT", "/cache/shared/s", "v1").statusCode()).isEqualTo(204);
    assertThat(send(a, "GET", "/cache/shared/s", null).body()).isEqualTo("v1");
    redis.stop();
    try {
      TwoInstances.awaitSubscription(a, 0);
      long deadline = System.nanoTime() + 10_000_000_000L;
      int status;
      do {
        status = send(a, "GET", "/cache/shared/s", null).statusCode();
      } while (status == 200 && System.nanoTime() < deadline);
      assertThat(status).isEqualTo(503);
    } finally {
      redis.restart();
    }
    TwoInstances.awaitSubscription(a, 1);
    TwoInstances.awaitSubscription(b, 1);
  }

  private static HttpResponse<String> send(TestServer server, String method, String path, String body)
      throws Exception {
    return TwoInstances.send(server, method, path, body, null);
  }
}
