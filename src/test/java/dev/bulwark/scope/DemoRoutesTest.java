package dev.bulwark.scope;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The article's leaky routes, made safe: they answer as API.md says and leave nothing behind. */
class DemoRoutesTest {

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
    JsonObject body = new JsonObject(server.get("/demo/timer?ms=120").body());
    assertThat(body.getInteger("ticks")).isBetween(3, 13);
    assertThat(new JsonObject(server.get("/demo/timer").body()).getInteger("ticks")).isZero();
    awaitNothingOutstanding();
  }

  @Test
  void eventConsumerReceivesAndIsUnregisteredAfterwards() throws Exception {
    JsonObject body = new JsonObject(server.get("/demo/event?ms=150").body());
    assertThat(body.getInteger("received")).isPositive();
    awaitNothingOutstanding();
  }

  @Test
  void slowAnswersAfterItsDelay() throws Exception {
    long start = System.nanoTime();
    assertThat(new JsonObject(server.get("/demo/slow?ms=80").body()).getLong("sleptMs")).isEqualTo(80);
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(80_000_000L);
  }

  @Test
  void slowLeavesNothingBehindWhenTheClientHangsUpFirst() throws Exception {
    long before = server.status().getJsonObject("scopes").getJsonObject("released").getLong("client_close");
    for (String route : new String[] {"/demo/slow?ms=5000", "/demo/timer?ms=5000", "/demo/event?ms=5000"}) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
        socket.getOutputStream().write(("GET " + route + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        server.awaitStatus(s -> s.getJsonObject("scopes").getLong("open") >= 1);
      }
    }
    server.awaitStatus(s -> s.getJsonObject("scopes").getJsonObject("released").getLong("client_close") == before + 3);
    awaitNothingOutstanding();
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
