package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole guard chain follows every request with one entry and makes a request scope only for a request that asks:
 * a request that asks for nothing still times out, is counted and is let go of however it ends, and end handlers added
 * by routes run as vertx-web runs them.
 */
class RequestTrackingTest {

  private static final Routes routes = new Routes();
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject()
            .put("http", new JsonObject().put("requestTimeout", "300ms").put("instances", 2)),
        () -> List.of(routes));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Routes under /track that never ask for a scope unless their name says so. */
  static final class Routes implements RouteModule {
    final List<Boolean> endEvents = new CopyOnWriteArrayList<>();
    final List<Object> late = new CopyOnWriteArrayList<>();
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public void mount(Router router, Context context) {
      router.get("/track/silent").handler(ctx -> { }); // never answers, never asks for its scope
      router.get("/track/plain").handler(ctx -> ctx.response().end("plain"));
      router.get("/track/reroute").handler(ctx -> ctx.reroute("/track/plain"));
      router.get("/track/scope-then-silence").handler(ctx -> RequestScope.of(ctx).own(closes::incrementAndGet));
      router.get("/track/end-handler").handler(ctx -> {
        ctx.addEndHandler(ar -> endEvents.add(ar.succeeded()));
        if (!"never".equals(ctx.queryParams().get("answer"))) {
          ctx.response().end("ok");
        }
      });
      router.get("/track/hooks-replaced").handler(ctx -> ctx.response().closeHandler(v -> { }).endHandler(null)
          .exceptionHandler(null)); // what a route must not do: the guards' hook on the response is gone
      router.get("/track/late").handler(ctx -> {
        ctx.response().end("ok");
        context.vertx().setTimer(20, id -> askLate(ctx));
      });
    }

    private void askLate(io.vertx.ext.web.RoutingContext ctx) {
      RequestScope scope = RequestScope.of(ctx);
      late.add(scope.releaseReason());
      try {
        scope.setTimer(10, id -> { });
      } catch (ScopeClosedException e) {
        late.add(e);
      }
    }
  }

  @Test
  void withThisVertxWebTheEntryTakesTheEndHandlerFieldSoNoEndHandlerListIsMade() {
    assertThat(RequestScopeEntry.inEndHandlerField()).isTrue();
  }

  @Test
  void aRequestThatNeverAsksForItsScopeMakesNone() throws Exception {
    long opened = scopes().getLong("opened");
    for (int i = 0; i < 5; i++) {
      assertThat(server.get("/hello").statusCode()).isEqualTo(200);
    }
    assertThat(scopes().getLong("opened")).isEqualTo(opened);
  }

  @Test
  void aRequestThatNeverAsksForAScopeStillTimesOutWith503AndIsCounted() throws Exception {
    long timedOut = scopes().getLong("timedOut");
    long opened = scopes().getLong("opened");
    double answered = requests("/track/silent", "503");
    HttpResponse<String> r = server.get("/track/silent");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("request_timeout");
    assertThat(r.headers().firstValue("retry-after")).isPresent();
    server.awaitStatus(s -> s.getJsonObject("scopes").getLong("timedOut") == timedOut + 1
        && s.getJsonObject("http").getInteger("inFlight") == 0);
    assertThat(requests("/track/silent", "503")).isEqualTo(answered + 1);
    assertThat(scopes().getLong("opened")).isEqualTo(opened);
  }

  @Test
  void aScopeMadeOnFirstUseIsReleasedWhenTheClientResetsTheConnection() throws Exception {
    long before = scopes().getJsonObject("released").getLong("client_close");
    double closed = requests("/track/scope-then-silence", "closed");
    int closes = routes.closes.get();
    Socket socket = send("/track/scope-then-silence");
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("outstanding").getLong("closeables") == 1);
    socket.setSoLinger(true, 0); // close with RST, not FIN
    socket.close();
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("released").getLong("client_close") == before + 1
        && s.getJsonObject("http").getInteger("inFlight") == 0);
    assertThat(routes.closes).hasValue(closes + 1);
    assertThat(requests("/track/scope-then-silence", "closed")).isEqualTo(closed + 1);
  }

  @Test
  void endHandlersAddedByARouteRunOnceAndTheRequestIsStillCounted() throws Exception {
    routes.endEvents.clear();
    double ok = requests("/track/end-handler", "200");
    assertThat(server.get("/track/end-handler").body()).isEqualTo("ok");
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
    assertThat(requests("/track/end-handler", "200")).isEqualTo(ok + 1);
    try (Socket socket = send("/track/end-handler?answer=never")) {
      server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 1);
    }
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
    assertThat(routes.endEvents).containsExactly(true, false);
  }

  @Test
  void aScopeAskedForAfterTheRequestEndedIsAlreadyReleasedAndTakesNothing() throws Exception {
    routes.late.clear();
    long opened = scopes().getLong("opened");
    long lateAcquisitions = scopes().getLong("lateAcquisitions");
    assertThat(server.get("/track/late").body()).isEqualTo("ok");
    // The counter moves inside the acquisition, before the route notes the refusal: wait for both.
    server.awaitStatus(s -> s.getJsonObject("scopes").getLong("lateAcquisitions") == lateAcquisitions + 1
        && routes.late.size() == 2);
    assertThat(routes.late.get(0)).isEqualTo(ReleaseReason.END);
    assertThat(routes.late.get(1)).isInstanceOf(ScopeClosedException.class);
    assertThat(scopes().getLong("opened")).isEqualTo(opened);
    assertThat(scopes().getLong("open")).isZero();
  }

  @Test
  void aRequestWhoseResponseHandlersWereReplacedIsStillLetGoOfAtItsDeadline() throws Exception {
    double closed = requests("/track/hooks-replaced", "closed");
    try (Socket socket = send("/track/hooks-replaced")) {
      server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 1);
    }
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
    assertThat(requests("/track/hooks-replaced", "closed")).isEqualTo(closed + 1);
  }

  @Test
  void aReroutedRequestIsLetInAndCountedOnce() throws Exception {
    double plain = requests("/track/plain", "200");
    assertThat(server.get("/track/reroute").body()).isEqualTo("plain");
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
    assertThat(requests("/track/plain", "200")).isEqualTo(plain + 1);
  }

  // --- helpers ---------------------------------------------------------------------------------------------------

  private static JsonObject scopes() throws Exception {
    return server.status().getJsonObject("scopes");
  }

  /** The request count of one series in the scrape, 0 before its first request. */
  private static double requests(String route, String status) throws Exception {
    String series = "http_server_responses_total{method=\"GET\",route=\"" + route + "\",status=\"" + status
        + "\"} ";
    return server.get("/metrics").body().lines().filter(l -> l.startsWith(series))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length()))).findFirst().orElse(0);
  }

  private static Socket send(String path) throws Exception {
    return RawHttp.get(server.port(), path);
  }
}
