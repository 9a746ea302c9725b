package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RedisSentinels;
import dev.bulwark.testing.TestServer;
import dev.bulwark.testing.TwoInstances;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A master, a replica and three real sentinels; Bulwark ({@code redis.type: sentinel}) serves sessions and pool
 * counters while the master is killed, answers 503 (never 500) until the sentinels promote the replica, then works
 * again through the new master without a restart; readiness is DOWN while no master answers.
 */
class RedisSentinelFailoverTest {

  private static final long RECOVERY_DEADLINE_NANOS = 30_000_000_000L;
  private static final int STEADY = 5;

  @Test
  void sessionsAndCountersWorkAgainThroughThePromotedReplicaWithOnly503sMeanwhile() throws Exception {
    try (RedisSentinels redis = RedisSentinels.start();
        TestServer server = TestServer.start(new JsonObject().put("redis", new JsonObject()
            .put("type", "sentinel").put("required", true).put("masterName", RedisSentinels.MASTER)
            .put("endpoints", new JsonArray(redis.endpoints()))))) {
      HttpResponse<String> first = TwoInstances.send(server, "GET", "/session", null, null);
      assertThat(first.statusCode()).isEqualTo(200);
      String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
      for (int i = 0; i < 10; i++) {
        assertThat(round(server, cookie)).isEqualTo(200);
      }
      Map<Integer, Integer> statuses = new TreeMap<>();
      long killed = System.nanoTime();
      redis.master.stop();
      boolean notReady = false;
      long recovered = -1;
      int steady = 0;
      while (steady < STEADY && System.nanoTime() - killed < RECOVERY_DEADLINE_NANOS) {
        int status = round(server, cookie);
        notReady |= TwoInstances.send(server, "GET", "/health/ready", null, null).statusCode() == 503;
        statuses.merge(status, 1, Integer::sum);
        if (status == 200) {
          recovered = recovered < 0 ? System.nanoTime() : recovered;
          steady++;
        } else {
          recovered = -1;
          steady = 0;
        }
      }
      System.out.printf("Sentinel failover: recovered %d ms after the master was killed; statuses meanwhile %s%n",
          recovered < 0 ? -1 : (recovered - killed) / 1_000_000, statuses);
      assertThat(steady).as("working again through the new master, statuses %s", statuses).isEqualTo(STEADY);
      assertThat(statuses.keySet()).as("only 200 or 503 while failing over").isSubsetOf(200, 503);
      assertThat(notReady).as("/health/ready DOWN while no master answered").isTrue();
      awaitReady(server);
    }
  }

  private static void awaitReady(TestServer server) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    int status;
    do {
      status = TwoInstances.send(server, "GET", "/health/ready", null, null).statusCode();
    } while (status != 200 && System.nanoTime() < deadline);
    assertThat(status).as("ready again through the new master").isEqualTo(200);
  }

  /** A session read and a counter increment: 200 when both worked, else the first failing status. */
  private static int round(TestServer server, String cookie) throws Exception {
    int session = TwoInstances.send(server, "GET", "/session", null, cookie).statusCode();
    if (session != 200) {
      return session;
    }
    return TwoInstances.send(server, "POST", "/db/counters/failover/incr", null, null).statusCode();
  }
}
