package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RedisCluster;
import dev.bulwark.testing.TestServer;
import dev.bulwark.testing.TwoInstances;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two Bulwark instances on a real three-master Redis Cluster ({@code redis.type: cluster}): sessions, a shared cache
 * and pool counters work across both, their keys spread over every master, and readiness is UP.
 */
class RedisClusterTest {

  private static final int KEYS = 60;
  private static RedisCluster cluster;
  private static TestServer a;
  private static TestServer b;

  @BeforeAll
  static void start() throws Exception {
    cluster = RedisCluster.start();
    JsonObject config = TwoInstances.sharedCacheConfig(
        new JsonObject().put("type", "cluster").put("endpoints", new JsonArray(cluster.endpoints())));
    a = TestServer.start(config.copy());
    b = TestServer.start(config.copy());
  }

  @AfterAll
  static void stop() throws Exception {
    try (RedisCluster last = cluster; TestServer second = b; TestServer first = a) {
      // closes a, then b, then the cluster, each even when one before failed (null ones are skipped)
    }
  }

  @Test
  void sessionsStartedOnOneInstanceAreReadOnTheOther() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      HttpResponse<String> first = TwoInstances.send(a, "GET", "/session", null, null);
      assertThat(first.statusCode()).isEqualTo(200);
      String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
      assertThat(TwoInstances.send(a, "PUT", "/session/data/k", "v" + i, cookie).statusCode()).isEqualTo(204);
      HttpResponse<String> read = TwoInstances.send(b, "GET", "/session/data/k", null, cookie);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo("v" + i);
      assertThat(new JsonObject(TwoInstances.send(b, "GET", "/session", null, cookie).body()).getInteger("visits"))
          .isEqualTo(2);
    }
    assertKeysOnEveryMaster();
  }

  @Test
  void aSharedCacheEntryWrittenOnOneInstanceIsReadOnTheOther() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      assertThat(TwoInstances.send(a, "PUT", "/cache/shared/k" + i, "v" + i, null).statusCode()).isEqualTo(204);
      HttpResponse<String> read = TwoInstances.send(b, "GET", "/cache/shared/k" + i, null, null);
      assertThat(read.statusCode()).isEqualTo(200);
      assertThat(read.body()).isEqualTo("v" + i);
    }
    assertKeysOnEveryMaster();
  }

  /** PUBLISH reaches every node of a cluster, so the subscriber, on any one node, hears writes routed elsewhere. */
  @Test
  void aSharedCacheWriteOnOneInstanceInvalidatesTheOthersLocalCopy() throws Exception {
    TwoInstances.awaitSubscription(a, 1);
    TwoInstances.awaitSubscription(b, 1);
    for (int i = 0; i < 10; i++) {
      String path = "/cache/shared/coherent" + i;
      assertThat(TwoInstances.send(b, "PUT", path, "old", null).statusCode()).isEqualTo(204);
      assertThat(TwoInstances.send(a, "GET", path, null, null).body()).isEqualTo("old"); // a local copy on A now
      assertThat(TwoInstances.send(b, "PUT", path, "new", null).statusCode()).isEqualTo(204);
      TwoInstances.awaitBody(a, path, "new");
    }
  }

  @Test
  void poolCountersIncrementAcrossBothInstances() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      assertThat(TwoInstances.send(a, "POST", "/db/counters/c" + i + "/incr", null, null).statusCode())
          .isEqualTo(200);
      HttpResponse<String> second = TwoInstances.send(b, "POST", "/db/counters/c" + i + "/incr", null, null);
      assertThat(second.statusCode()).isEqualTo(200);
      assertThat(second.body()).contains("2");
    }
    assertKeysOnEveryMaster();
  }

  @Test
  void readinessIsUpWithEveryMasterReachable() throws Exception {
    assertThat(TwoInstances.send(a, "GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
    assertThat(TwoInstances.send(b, "GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
  }

  private static void assertKeysOnEveryMaster() throws Exception {
    for (int port : cluster.ports()) {
      assertThat(cluster.keys(port)).as("keys on master %d", port).isPositive();
    }
  }
}
