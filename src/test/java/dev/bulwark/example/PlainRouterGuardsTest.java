package dev.bulwark.example;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.memory.MemoryOptions;
import dev.bulwark.memory.MemorySignals;
import dev.bulwark.memory.PressureHandler;
import dev.bulwark.memory.PressureLevel;
import dev.bulwark.scope.RequestScope;
import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.scope.ResourceKind;
import dev.bulwark.scope.ScopeCounters;
import dev.bulwark.scope.ScopeOptions;
import dev.bulwark.server.AdmissionHandler;
import dev.bulwark.server.ErrorHandler;
import dev.bulwark.server.HttpOptions;
import dev.bulwark.spi.PathPrefixes;
import dev.bulwark.stream.BodyLimitHandler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bulwark's guards as a user of a plain Vert.x app would take them: a vertx-web router on {@code Vertx.vertx()},
 * options made in code, no Bulwark config and no Bulwark server; from a package of its own, so only public API. Every
 * check goes over real HTTP on loopback.
 */
class PlainRouterGuardsTest {

  private static final long MB = 1 << 20;

  private final HttpOptions http = new HttpOptions().setMaxBodySize(16).setRetryAfter(Duration.ofSeconds(3))
      .setRequestTimeout(Duration.ofSeconds(5));
  private final ScopeOptions scopeOptions = new ScopeOptions().setMaxTimers(4).setTrackSites(ScopeOptions.TRACK_OFF);
  private final MemoryOptions memoryOptions = new MemoryOptions().setMinDwell(Duration.ZERO)
      .setHeap(new MemoryOptions.Thresholds(0.70, 0.85));
  // The synthetic heap-after-GC fraction the monitor reads; the test's thread moves it, then samples.
  private volatile double heap = 0.10;
  private Vertx vertx;
  private HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private ScopeCounters counters;
  private MemoryMonitor monitor;
  private AdmissionHandler admission;
  private final AtomicLong timerId = new AtomicLong(-1);
  private final AtomicLong timersHeld = new AtomicLong(-1);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    counters = new ScopeCounters(scopeOptions);
    LongSupplier clock = System::nanoTime;
    monitor = MemoryMonitor.manual(memoryOptions,
        () -> new MemorySignals(0, 100 * MB, (long) (heap * 100 * MB), 0, 100 * MB, 0, 0, 0, Double.NaN), clock);
    admission = AdmissionHandler.create(http.maxInFlight());

    Router router = Router.router(vertx);
    router.route()
        .handler(admission)
        .handler(RequestScopeHandler.create(vertx, scopeOptions, counters, http.requestTimeout()))
        .handler(PressureHandler.create(monitor, memoryOptions.closeConnectionsWhenElevated(),
            memoryOptions.shedWhenCritical(), PathPrefixes.of(List.of("/health"))))
        .handler(BodyLimitHandler.create(http.maxBodySize()));
    router.get("/hello").handler(ctx -> ctx.response().end("hello"));
    router.get("/health").handler(ctx -> ctx.response().end("up"));
    router.post("/echo").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response().end(b)));
    router.get("/timer").handler(ctx -> {
      // A timer far in the future: only the end of the request can cancel it in time.
      timerId.set(RequestScope.of(ctx).setTimer(60_000, id -> { }));
      timersHeld.set(counters.outstanding(ResourceKind.TIMER));
      ctx.response().end("armed");
    });
    ErrorHandler errors = ErrorHandler.create(http.retryAfter());
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    awaitZero(admission::inFlight, "requests in flight after the test");
    vertx.close().await();
  }

  @Test
  void servesANormalRequest() {
    Reply reply = send("GET", "/hello", null);
    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("hello");
  }

  @Test
  void refusesADeclaredBodyOverTheLimitBeforeReadingIt() {
    assertThat(send("POST", "/echo", "0123456789abcdef").body())
        .isEqualTo("0123456789abcdef");
    Reply large = send("POST", "/echo", "0123456789abcdefX");
    assertThat(large.status()).isEqualTo(413);
    assertThat(large.error()).isEqualTo("request_too_large");
    assertThat(large.header("Connection")).isEqualTo("close");
  }

  @Test
  void shedsAtCriticalWithRetryAfterButServesCriticalRoutes() {
    heap = 0.95;
    monitor.sample();
    assertThat(monitor.level()).isEqualTo(PressureLevel.CRITICAL);
    Reply shed = send("GET", "/hello", null);
    assertThat(shed.status()).isEqualTo(503);
    assertThat(shed.error()).isEqualTo("overloaded");
    assertThat(shed.header("Retry-After")).isEqualTo("3");
    assertThat(send("GET", "/health", null).status()).isEqualTo(200);

    heap = 0.10;
    monitor.sample();
    assertThat(send("GET", "/hello", null).status()).isEqualTo(200);
  }

  @Test
  void releasesAScopedTimerWhenTheRequestEnds() {
    Reply reply = send("GET", "/timer", null);
    assertThat(reply.body()).isEqualTo("armed");
    assertThat(timersHeld.get()).as("timers held while the request ran").isEqualTo(1);
    awaitZero(() -> counters.outstanding(ResourceKind.TIMER), "timers held after the request");
    awaitZero(counters::open, "scopes open after the request");
    assertThat(vertx.cancelTimer(timerId.get())).as("the timer was cancelled already").isFalse();
  }

  /** A response with its body. */
  private record Reply(HttpResponse<String> response) {
    int status() {
      return response.statusCode();
    }

    String body() {
      return response.body();
    }

    String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    String error() {
      return new JsonObject(body()).getString("error");
    }
  }

  /**
   * Sends with the JDK's blocking client: a Vert.x client driven from the test thread can get its response before the
   * body listener is attached, and then the body never completes (eclipse-vertx/vert.x#5904).
   */
  private Reply send(String method, String uri, String body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + uri))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body))
        .build();
    try {
      return new Reply(client.send(request, BodyHandlers.ofString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The end handlers run on the event loop just after the response is written: wait briefly for them. */
  private static void awaitZero(LongSupplier value, String what) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (value.getAsLong() != 0) {
      assertThat(System.nanoTime()).as(what + " reach 0").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
