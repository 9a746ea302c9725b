package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import dev.bulwark.testing.RawHttp;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shutdown as a request scope handler hears it, on a plain router made on an event loop: requests in progress are
 * told once (through {@link RequestScope#onDrain}) and counted; answers carry {@code Connection: close} once the
 * signal says so; what is still open can be cut.
 */
@ExtendWith(VertxExtension.class)
class DrainSignalTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ScopeCounters counters = new ScopeCounters(BulwarkConfig.defaults().scope());
  private final DrainSignal signal = new DrainSignal();
  private final AtomicInteger told = new AtomicInteger();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HttpServer server;

  /** {@code /wait} answers only when told of the drain; {@code /never} never answers; {@code /now} at once. */
  private void start(Vertx vertx) {
    io.vertx.core.Context loop = vertx.getOrCreateContext();
    CompletableFuture<HttpServer> listening = new CompletableFuture<>();
    loop.runOnContext(v -> {
      Router router = Router.router(vertx);
      router.route().handler(RequestScopeHandler.create(vertx, BulwarkConfig.defaults().scope(), counters,
          TIMEOUT, List.of(), signal));
      router.get("/wait").handler(ctx -> RequestScope.of(ctx).onDrain(() -> {
        told.incrementAndGet();
        ctx.response().end("drained");
      }));
      router.get("/never").handler(ctx -> RequestScope.of(ctx));
      router.get("/now").handler(ctx -> ctx.response().end("now"));
      vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
          .onComplete(ar -> listening.complete(ar.result()));
    });
    server = listening.join();
  }

  @AfterEach
  void stop() {
    server.close().await();
  }

  @Test
  void aRequestInProgressIsCountedThenToldOnceAndItsAnswerClosesTheConnection(Vertx vertx) throws Exception {
    start(vertx);
    CompletableFuture<HttpResponse<String>> waiting = getAsync("/wait");
    awaitOpen(Map.of("GET /wait", 1));
    await(signal.drain());
    HttpResponse<String> r = waiting.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.body()).isEqualTo("drained");
    assertThat(r.headers().firstValue("connection")).hasValue("close");
    await(signal.drain());
    assertThat(told).as("once, however often the signal comes").hasValue(1);
    awaitOpen(Map.of());
  }

  @Test
  void aRequestAskingAfterTheDrainIsToldAtOnce(Vertx vertx) throws Exception {
    start(vertx);
    await(signal.drain());
    HttpResponse<String> r = getAsync("/wait").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.body()).isEqualTo("drained");
    assertThat(r.headers().firstValue("connection")).hasValue("close");
  }

  @Test
  void afterCloseConnectionsEveryAnswerClosesItsConnectionWhileStillServed(Vertx vertx) throws Exception {
    start(vertx);
    assertThat(getAsync("/now").get().headers().firstValue("connection")).isEmpty();
    await(signal.closeConnections());
    HttpResponse<String> r = getAsync("/now").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    assertThat(r.body()).isEqualTo("now");
    assertThat(r.headers().firstValue("connection")).hasValue("close");
    assertThat(told).as("closing connections tells no request to end").hasValue(0);
  }

  @Test
  void abortCutsWhatIsStillOpenAndReleasesItsScope(Vertx vertx) throws Exception {
    start(vertx);
    try (Socket never = RawHttp.get(server.actualPort(), "/never")) { // a raw client: Java's would retry the GET
      awaitOpen(Map.of("GET /never", 1));
      await(signal.abort());
      assertThat(never.getInputStream().read()).as("closed, no answer").isEqualTo(-1);
    }
    awaitOpen(Map.of());
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (counters.open() != 0 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(counters.released(ReleaseReason.CLIENT_CLOSE)).isEqualTo(1);
  }

  private CompletableFuture<HttpResponse<String>> getAsync(String path) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Until the open requests, by method and path, are {@code expected}. */
  private void awaitOpen(Map<String, Integer> expected) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    Map<String, Integer> open = Map.of();
    while (System.nanoTime() < deadline) {
      open = await(signal.open(ctx -> ctx.request().method() + " " + ctx.request().path()));
      if (open.equals(expected)) {
        return;
      }
    }
    assertThat(open).isEqualTo(expected);
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
