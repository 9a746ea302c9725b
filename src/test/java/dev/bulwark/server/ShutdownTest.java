package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.spi.RouteModule;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code close()} drains: a request in progress when it is called is answered before the server stops. The request is
 * held by the test (it answers when the test opens its gate), not by a timer racing the test, and every wait has a
 * deadline.
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

  @Test
  void closeLetsARequestInProgressFinishWithinTheGrace() throws Exception {
    var dir = Files.createTempDirectory("bulwark-shutdown");
    BulwarkConfig config = BulwarkConfig.fromJson(new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("shutdownGrace", "10s"))
        .put("admin", new JsonObject().put("port", 0).put("tokenFile", dir.resolve("t").toString())));
    Gate gate = new Gate();
    BulwarkServer server = BulwarkServer.start(config, () -> List.of(gate)).await();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CompletableFuture<HttpResponse<String>> held = client.sendAsync(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.httpPort() + "/gate")).timeout(TIMEOUT).build(),
        HttpResponse.BodyHandlers.ofString());
    awaitInFlight(client, server);
    Future<Void> closing = server.close();
    assertThat(held).as("still held: close() has a request in progress").isNotDone();
    gate.open();
    HttpResponse<String> r = held.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("held");
    closing.await(TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
  }

  /** Until the request is admitted, so close() really has one in progress. */
  private static void awaitInFlight(HttpClient client, BulwarkServer server) throws Exception {
    HttpRequest status = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.adminPort()
        + "/admin/status")).header("Authorization", "Bearer " + server.adminToken()).timeout(TIMEOUT).build();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (new JsonObject(client.send(status, HttpResponse.BodyHandlers.ofString()).body())
        .getJsonObject("http").getInteger("inFlight") == 0) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the request was never admitted");
      }
      Thread.onSpinWait();
    }
  }
}
