package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The article's leaky routes, made safe: they answer as API.md says and leave nothing behind. Nothing here measures
 * the wall clock: what is checked follows from the order in which timers fire, and every wait has a deadline.
 */
class DemoRoutesTest {

  private static final long TIMEOUT_S = 10;
  /** The demo timers' period and the demo events' address, as API.md gives them. */
  private static final long TICK_MS = 10;
  private static final String EVENTS = "demo.events";
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void timerTicksWhileTheRequestLivesAndDiesWithIt() throws Exception {
    // Bounds that follow from the order of timers, not from the speed of the machine: the 10 ms periodic is armed
    // before the 120 ms answer, so its first tick is due, and runs, before the answer; at a fixed rate, a tick due
    // after the answer cannot run before it: at most 120 / 10 ticks, one more if the two were armed 10 ms apart.
    JsonObject body = new JsonObject(server.get("/demo/timer?ms=120").body());
    assertThat(body.getInteger("ticks")).isBetween(1, (int) (120 / TICK_MS) + 1);
    assertThat(new JsonObject(server.get("/demo/timer").body()).getInteger("ticks")).isZero();
    awaitNothingOutstanding();
  }

  @Test
  void eventConsumerReceivesAndIsUnregisteredAfterwards() throws Exception {
    CompletableFuture<HttpResponse<String>> answer = server.getAsync("/demo/event?ms=1000");
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("outstanding").getLong("consumers") == 1);
    // The module's publisher sends every 10 ms while a request listens; this one, from outside, arrives too.
    server.server().vertx().eventBus().publish(EVENTS, -1L);
    JsonObject body = new JsonObject(answer.get(TIMEOUT_S, TimeUnit.SECONDS).body());
    assertThat(body.getInteger("received")).isPositive();
    awaitNothingOutstanding();
  }

  @Test
  void eventPublisherRunsOnlyWhileARequestListens() throws Exception {
    // An idle periodic timer is not free on a loaded event loop (see DemoRoutes.listen): none while nobody listens.
    assertThat(verticleTimers(server.status())).isZero();
    CompletableFuture<HttpResponse<String>> answer = server.getAsync("/demo/event?ms=300");
    server.awaitStatus(s -> verticleTimers(s) == 1);
    // Nothing published from outside this time: every event counted came from the module's own publisher.
    assertThat(new JsonObject(answer.get(TIMEOUT_S, TimeUnit.SECONDS).body()).getInteger("received")).isPositive();
    server.awaitStatus(s -> verticleTimers(s) == 0);
    awaitNothingOutstanding();
  }

  private static long verticleTimers(JsonObject status) {
    return status.getJsonObject("scopes").getJsonObject("verticleOutstanding").getLong("timers");
  }

  @Test
  void slowAnswersOnlyOnceItsTimerHasFired() throws Exception {
    CompletableFuture<HttpResponse<String>> answer = server.getAsync("/demo/slow?ms=1000");
    // Its scope holds the timer that will answer it; until that fires there is no answer.
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("outstanding").getLong("timers") == 1);
    assertThat(answer).as("answered before its timer fired").isNotDone();
    assertThat(new JsonObject(answer.get(TIMEOUT_S, TimeUnit.SECONDS).body()).getLong("sleptMs")).isEqualTo(1000);
    awaitNothingOutstanding();
  }

  @Test
  void slowLeavesNothingBehindWhenTheClientHangsUpFirst() throws Exception {
    for (String route : new String[] {"/demo/slow?ms=5000", "/demo/timer?ms=5000", "/demo/event?ms=5000"}) {
      long before = server.status().getJsonObject("scopes").getJsonObject("released").getLong("client_close");
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.getOutputStream().write(("GET " + route + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        server.awaitStatus(s -> s.getJsonObject("scopes").getLong("open") == 1); // this request's, at work
      }
      server.awaitStatus(s -> s.getJsonObject("scopes").getLong("open") == 0
          && s.getJsonObject("scopes").getJsonObject("released").getLong("client_close") == before + 1);
      awaitNothingOutstanding();
    }
  }

  @Test
  void msThatIsNotANumberOrOutOfRangeIsABadParameter() throws Exception {
    for (String query : new String[] {"ms=abc", "ms=-1", "ms=10001", "ms=", "ms=1e3", "ms=99999999999999999999"}) {
      for (String route : new String[] {"/demo/timer", "/demo/event", "/demo/slow"}) {
        HttpResponse<String> r = server.get(route + "?" + query);
        assertThat(r.statusCode()).as(route + "?" + query).isEqualTo(400);
        assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("bad_parameter");
      }
    }
    assertThat(server.get("/demo/slow?ms=1&ms=10000").statusCode()).isEqualTo(200);
  }

  private static void awaitNothingOutstanding() throws Exception {
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("outstanding").stream()
        .allMatch(e -> ((Number) e.getValue()).longValue() == 0));
  }
}
