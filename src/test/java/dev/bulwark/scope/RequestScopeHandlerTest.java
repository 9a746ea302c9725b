package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.spi.ApiError;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The request scope handler on a router of its own, with a counting guard riding on it, as a user composing their own
 * chain would use it: behind a sub-router, and behind a handler that added an end handler first (so the entry cannot
 * take vertx-web's end-handler field and goes the public way).
 */
@ExtendWith(VertxExtension.class)
class RequestScopeHandlerTest {

  private final ScopeCounters counters = new ScopeCounters(BulwarkConfig.defaults().scope());
  private final Counting guard = new Counting();
  private final List<Boolean> earlyEndEvents = new CopyOnWriteArrayList<>();
  private final AtomicInteger closes = new AtomicInteger();
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private HttpServer server;

  /** Lets at most one request on at a time and counts what it is told. */
  private static final class Counting implements RequestScopeHandler.Guard {
    final AtomicInteger inside = new AtomicInteger();
    final AtomicInteger refused = new AtomicInteger();
    final List<Boolean> exits = new CopyOnWriteArrayList<>();

    @Override
    public boolean enter(RoutingContext ctx) {
      if (inside.get() >= 1) {
        refused.incrementAndGet();
        ctx.fail(429);
        return false;
      }
      inside.incrementAndGet();
      return true;
    }

    @Override
    public void exit(RoutingContext ctx, long startNanos, boolean sent) {
      inside.decrementAndGet();
      exits.add(sent);
    }
  }

  private void start(Vertx vertx, boolean endHandlerFirst) {
    Router router = Router.router(vertx);
    if (endHandlerFirst) {
      router.route().handler(ctx -> {
        ctx.addEndHandler(ar -> earlyEndEvents.add(ar.succeeded()));
        ctx.next();
      });
    }
    router.route().handler(RequestScopeHandler.create(vertx, BulwarkConfig.defaults().scope(), counters,
        Duration.ofMillis(200), List.of(guard)));
    router.get("/own").handler(ctx -> {
      RequestScope.of(ctx).own(closes::incrementAndGet);
      if (!"never".equals(ctx.queryParams().get("answer"))) {
        ctx.response().end("owned");
      }
    });
    Router sub = Router.router(vertx);
    sub.get("/own").handler(ctx -> {
      RequestScope.of(ctx).own(closes::incrementAndGet);
      ctx.response().end("sub");
    });
    router.route("/sub/*").subRouter(sub);
    router.route().failureHandler(ctx -> ctx.response()
        .setStatusCode(ctx.failure() instanceof ApiError error ? error.status() : ctx.statusCode()).end());
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    await(() -> guard.inside.get() == 0 && counters.open() == 0);
    server.close().await();
  }

  @Test
  void aScopeIsFoundFromASubRouterAndReleasedWhenTheResponseEnds(Vertx vertx) throws Exception {
    start(vertx, false);
    assertThat(get("/sub/own").body()).isEqualTo("sub");
    await(() -> closes.get() == 1 && counters.released(ReleaseReason.END) == 1);
    assertThat(guard.exits).containsExactly(true);
  }

  @Test
  void aGuardThatRefusesIsNotToldOfTheEndButTheGuardsBeforeItAre(Vertx vertx) throws Exception {
    start(vertx, false);
    CompletableFuture<HttpResponse<String>> held = client.sendAsync(request("/own?answer=never"),
        HttpResponse.BodyHandlers.ofString());
    await(() -> guard.inside.get() == 1);
    assertThat(get("/own").statusCode()).isEqualTo(429);
    assertThat(guard.refused).hasValue(1);
    assertThat(held.get().statusCode()).isEqualTo(503); // the held one times out
    await(() -> guard.inside.get() == 0 && closes.get() == 1);
    assertThat(guard.exits).containsExactly(true);
    assertThat(counters.timedOut()).isEqualTo(1);
    assertThat(counters.released(ReleaseReason.TIMEOUT)).isEqualTo(1);
  }

  @Test
  void withAnEndHandlerAddedFirstEveryEndStillReachesTheScopeTheGuardsAndThatHandler(Vertx vertx)
      throws Exception {
    start(vertx, true);
    assertThat(get("/own").body()).isEqualTo("owned");
    assertThat(get("/own?answer=never").statusCode()).isEqualTo(503);
    await(() -> closes.get() == 2 && earlyEndEvents.size() == 2);
    assertThat(earlyEndEvents).containsExactly(true, true);
    assertThat(guard.exits).containsExactly(true, true);
    assertThat(counters.released(ReleaseReason.END)).isEqualTo(1);
    assertThat(counters.released(ReleaseReason.TIMEOUT)).isEqualTo(1);
    assertThat(counters.timedOut()).isEqualTo(1);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(request(path), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .timeout(Duration.ofSeconds(10)).build();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition reached in time").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
