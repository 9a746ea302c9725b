package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The detector in a running server, on the lab's real leaks, with a window of a second: the right signal turns
 * {@code leaking}, the alert is on the event bus and in {@code /admin/leaks} (behind the token), and the lab's reset
 * gives everything back.
 */
class LeakDetectionTest {

  private static final long DEADLINE_NANOS = 20_000_000_000L;

  private static TestServer start() throws Exception {
    return TestServer.start(new JsonObject()
        .put("lab", new JsonObject().put("enabled", true))
        .put("leaks", new JsonObject().put("sampleInterval", "100ms").put("window", "1s").put("warmup", "0s")
            .put("minHandleGrowth", 20)));
  }

  /** Calls {@code path} every 20 ms until {@code signal} is leaking in /admin/leaks; returns that answer. */
  private static JsonObject leakUntilLeaking(TestServer server, String path, String signal) throws Exception {
    String token = server.server().adminToken();
    long deadline = System.nanoTime() + DEADLINE_NANOS;
    while (System.nanoTime() < deadline) {
      assertThat(server.get(path).statusCode()).isEqualTo(200);
      JsonObject leaks = new JsonObject(server.admin("/admin/leaks", token).body());
      if (state(leaks, signal).equals("leaking")) {
        return leaks;
      }
      Thread.sleep(20);
    }
    throw new AssertionError(signal + " never turned leaking: "
        + server.admin("/admin/leaks", token).body());
  }

  private static String state(JsonObject leaks, String signal) {
    JsonArray signals = leaks.getJsonArray("signals");
    for (int i = 0; i < signals.size(); i++) {
      if (signals.getJsonObject(i).getString("name").equals(signal)) {
        return signals.getJsonObject(i).getString("state");
      }
    }
    throw new AssertionError("no signal " + signal + " in " + leaks);
  }

  @Test
  void listenersLeftOnAGlobalAddressTurnTheHandlerSignalLeakingAndAreAnnounced() throws Exception {
    try (TestServer server = start()) {
      List<JsonObject> announced = new CopyOnWriteArrayList<>();
      MessageConsumer<JsonObject> consumer = server.server().vertx().eventBus()
          .consumer(LeakDetector.ADDRESS, m -> announced.add(m.body()));
      try {
        JsonObject leaks = leakUntilLeaking(server, "/lab/leak/listener", "eventBusHandlers");
        assertThat(leaks.getString("status")).isEqualTo("leaking");
        assertThat(state(leaks, "heapAfterGc")).isEqualTo("ok");
        long deadline = System.nanoTime() + DEADLINE_NANOS;
        while (announced.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(10);
        }
        assertThat(announced).first().satisfies(a -> assertThat(a.getString("signal")).isEqualTo("eventBusHandlers"));
        assertThat(server.status().getJsonObject("leaks").getString("status")).isIn("leaking", "suspected");
      } finally {
        consumer.unregister().await();
      }
      HttpResponse<String> reset = server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.port() + "/lab/reset")).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(reset.body()).getLong("releasedHandles")).isPositive();
    }
  }

  @Test
  void timersNobodyCancelsTurnTheTimerSignalLeaking() throws Exception {
    try (TestServer server = start()) {
      JsonObject leaks = leakUntilLeaking(server, "/lab/leak/timer", "timers");
      assertThat(leaks.getJsonArray("alerts").getJsonObject(0).getString("signal")).isEqualTo("timers");
      assertThat(server.post("/lab/reset", "").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void leaksAnswerOnlyTheAdminToken() throws Exception {
    try (TestServer server = TestServer.start()) {
      assertThat(server.admin("/admin/leaks", null).statusCode()).isEqualTo(401);
      assertThat(server.admin("/admin/leaks", "wrong-token-wrong-token-wrong").statusCode()).isEqualTo(401);
      HttpResponse<String> right = server.admin("/admin/leaks", server.server().adminToken());
      assertThat(right.statusCode()).isEqualTo(200);
      JsonObject json = new JsonObject(right.body());
      assertThat(json.getString("status")).isEqualTo("ok");
      assertThat(json.getJsonArray("signals").stream().map(s -> ((JsonObject) s).getString("name")))
          .contains("heapAfterGc", "metaspace", "direct", "threads", "timers", "eventBusHandlers", "scopedResources");
      assertThat(server.get("/lab/leak/timer").statusCode()).as("the lab is off by default").isEqualTo(404);
    }
  }

  @Test
  void labLeaksRefuseBadInputAndStopAtTheirBounds() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("lab", new JsonObject().put("enabled", true).put("maxLeakHandles", 2).put("maxLeakBytes", 7000)))) {
      assertThat(server.get("/lab/leak/cache?key=a").statusCode()).isEqualTo(400);
      assertThat(server.get("/lab/leak/cache?key=a&value=" + "v".repeat(3000)).statusCode()).isEqualTo(200);
      assertThat(server.get("/lab/leak/cache?key=b&value=" + "v".repeat(3900)).statusCode())
          .as("past lab.maxLeakBytes").isEqualTo(503);
      assertThat(server.get("/lab/leak/timer").statusCode()).isEqualTo(200);
      assertThat(server.get("/lab/leak/listener").statusCode()).isEqualTo(200);
      assertThat(server.get("/lab/leak/timer").statusCode()).as("past lab.maxLeakHandles").isEqualTo(503);
      JsonObject reset = new JsonObject(server.post("/lab/reset", "").body());
      assertThat(reset.getLong("releasedHandles")).isEqualTo(2);
      assertThat(reset.getLong("releasedBytes")).isPositive();
      assertThat(server.get("/lab/leak/timer").statusCode()).isEqualTo(200);
      server.post("/lab/reset", "");
    }
  }
}
