package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.RedisProcess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/**
 * The graceful shutdown, in process: readiness DOWN while the port still serves, then a drain in which requests in
 * progress finish (and those that asked are told to end), the port refusing new connections; past the timeout, what
 * is open is logged by route and cut; Redis closes only after the drain. Requests are held by the test (a gate it
 * opens) or by Redis paused, not by timers racing the test, and every wait has a deadline. (The signals, exit statuses
 * and the log as an operator reads it are {@code ShutdownIT}'s, on the real jar.)
 */
class ShutdownTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** {@code GET /gate}: answered "held" once the test calls {@link #open()}, on the request's own event loop. */
  static final class Gate implements RouteModule {
    final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

    @Override
    public void mount(Router router, Context context) {
      router.get("/gate").handler(ctx -> {
        io.vertx.core.Context loop = context.vertx().getOrCreateContext();
        waiting.add(() -> loop.runOnContext(v -> ctx.response().end("held")));
      });
    }

    void open() {
      waiting.forEach(Runnable::run);
    }
  }

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aRequestInProgressFinishesWhileTheDrainingPortRefusesNewConnections() throws Exception {
    Gate gate = new Gate();
    BulwarkServer server = start(new JsonObject().put("readinessGrace", "0s").put("timeout", "10s"), gate,
        new JsonObject());
    CompletableFuture<HttpResponse<String>> held = getAsync(server, "/gate");
    awaitInFlight(server, 1);
    Future<Boolean> closing = server.shutdown();
    await("the main port refuses new connections", () -> RawHttp.refused(server.httpPort()));
    assertThat(held).as("still held: the drain waits for it").isNotDone();
    gate.open();
    HttpResponse<String> r = held.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("held");
    assertThat(r.headers().firstValue("connection")).as("told as the drain began").hasValue("close");
    assertThat(closing.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("nothing was cut").isTrue();
  }

  @Test
  void readinessIsDownAtOnceWhileThePortStillServesThroughTheGrace() throws Exception {
    BulwarkServer server = start(new JsonObject().put("readinessGrace", "3s").put("timeout", "5s"), new Gate(),
        new JsonObject());
    Future<Boolean> closing = server.shutdown();
    HttpResponse<String> ready = send(server, "/health/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(ready.body()))
        .isEqualTo(new JsonObject().put("status", "DOWN").put("reasons", List.of("draining")));
    HttpResponse<String> hello = send(server, "/hello");
    assertThat(hello.statusCode()).as("still served in the grace").isEqualTo(200);
    assertThat(hello.headers().firstValue("connection")).as("clients reconnect, elsewhere").hasValue("close");
    assertThat(closing).as("the grace has not passed").matches(f -> !f.isComplete());
    assertThat(closing.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void requestsStillOpenAtTheTimeoutAreLoggedByRouteTemplateAndCut() throws Exception {
    Gate gate = new Gate();
    BulwarkServer server = start(new JsonObject().put("readinessGrace", "0s").put("timeout", "300ms"), gate,
        new JsonObject());
    CompletableFuture<HttpResponse<String>> first = getAsync(server, "/gate?n=1");
    CompletableFuture<HttpResponse<String>> second = getAsync(server, "/gate?n=2");
    awaitInFlight(server, 2);
    boolean[] clean = {true};
    List<ILoggingEvent> log = CapturedLog.instead(() -> clean[0] = server.shutdown()
        .await(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
    assertThat(clean[0]).as("requests were cut").isFalse();
    assertThat(log).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("Shutdown timeout (300 ms, shutdown.timeout) passed with 2 requests still open, now cut: "
            + "GET /gate: 2");
    assertThat(log).noneMatch(e -> e.getLevel() == Level.ERROR);
    for (CompletableFuture<HttpResponse<String>> cut : List.of(first, second)) {
      assertThat(cut).failsWithin(TIMEOUT).withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(IOException.class);
    }
  }

  @Test
  void aTimerRequestIsToldToEndAndAnswersWithWhatItHas() throws Exception {
    BulwarkServer server = start(new JsonObject().put("readinessGrace", "0s").put("timeout", "10s"), new Gate(),
        new JsonObject());
    CompletableFuture<HttpResponse<String>> timer = getAsync(server, "/demo/timer?ms=10000");
    awaitInFlight(server, 1);
    long begin = System.nanoTime();
    Future<Boolean> closing = server.shutdown();
    HttpResponse<String> r = timer.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getBoolean("drained")).isTrue();
    assertThat(new JsonObject(r.body()).getInteger("ticks")).isNotNull();
    assertThat(closing.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - begin)).as("not the 10 s the timer asked for")
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void requestsUsingRedisFinishBeforeRedisIsClosed() throws Exception {
    try (RedisProcess redis = RedisProcess.start()) {
      BulwarkServer server = start(new JsonObject().put("readinessGrace", "0s").put("timeout", "10s"), new Gate(),
          new JsonObject().put("url", redis.url()));
      assertThat(post(server, "/db/counters/x/incr").get().statusCode()).as("pool connection made").isEqualTo(200);
      assertThat(send(server, "/session").statusCode()).as("shared client connected").isEqualTo(200);
      // Redis holds every command of every other client for 3 s: both requests are in progress, waiting on it.
      assertThat(redis.command("CLIENT PAUSE 3000 ALL")).isEqualTo("+OK");
      CompletableFuture<HttpResponse<String>> incr = post(server, "/db/counters/x/incr");
      CompletableFuture<HttpResponse<String>> session = getAsync(server, "/session");
      awaitInFlight(server, 2);
      Future<Boolean> closing = server.shutdown();
      assertThat(incr).as("still waiting on Redis as the shutdown began").isNotDone();
      for (CompletableFuture<HttpResponse<String>> r : List.of(incr, session)) {
        HttpResponse<String> answer = r.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
      }
      assertThat(closing.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(redis.command("GET bulwark:counter:x")).as("counted once more").isEqualTo("$1");
    }
  }

  /** A server with the gate, {@code shutdown} as the shutdown section and {@code redis} as the redis section. */
  private static BulwarkServer start(JsonObject shutdown, Gate gate, JsonObject redis) throws Exception {
    var dir = Files.createTempDirectory("bulwark-shutdown");
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("admin", new JsonObject().put("port", 0).put("tokenFile", dir.resolve("t").toString()))
        .put("files", new JsonObject().put("root", dir.toString()))
        .put("shutdown", shutdown).put("redis", redis));
    return BulwarkServer.start(config, () -> List.of(gate)).await();
  }

  private CompletableFuture<HttpResponse<String>> getAsync(BulwarkServer server, String path) {
    return client.sendAsync(request(server.httpPort(), path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private CompletableFuture<HttpResponse<String>> post(BulwarkServer server, String path) {
    return client.sendAsync(request(server.httpPort(), path).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> send(BulwarkServer server, String path) throws Exception {
    return client.send(request(server.httpPort(), path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(TIMEOUT);
  }

  /** Until {@code n} requests are admitted, so the shutdown really has them in progress. */
  private void awaitInFlight(BulwarkServer server, int n) {
    HttpRequest status = request(server.adminPort(), "/admin/status")
        .header("Authorization", "Bearer " + server.adminToken()).build();
    await(n + " requests in flight", () -> {
      try {
        return new JsonObject(client.send(status, HttpResponse.BodyHandlers.ofString()).body())
            .getJsonObject("http").getInteger("inFlight") >= n;
      } catch (IOException | InterruptedException e) {
        throw new AssertionError(e);
      }
    });
  }

  private static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never happened: " + what);
      }
      Thread.onSpinWait();
    }
  }
}
