package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-flight body budget: declared bodies refused up front, chunked ones cut off as they arrive. */
class BodyBudgetTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject()
        .put("memory", new JsonObject().put("inflightBodyBytes", "64KiB"))
        .put("lab", new JsonObject().put("enabled", true)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aDeclaredBodyThatDoesNotFitIsRefusedAtOnceSayingWhatWasWanted() throws Exception {
    String answer = RawHttp.exchange(server.port(),
        "POST /lab/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 102400\r\n\r\n", false);
    assertThat(answer).startsWith("HTTP/1.1 503");
    JsonObject body = new JsonObject(answer.substring(answer.indexOf('{')));
    assertThat(body.getString("error")).isEqualTo("overloaded");
    assertThat(body.getLong("bytesWanted")).isEqualTo(102_400);
    assertThat(body.getLong("bytesLimit")).isEqualTo(65_536);
    assertThat(inflightShed()).isPositive();
  }

  @Test
  void aChunkedBodyIsCountedAsItArrivesAndCutOffWhenOver() throws Exception {
    StringBuilder request = new StringBuilder("POST /lab/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    String chunk = "x".repeat(8192);
    for (int i = 0; i < 12; i++) {
      request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
    }
    request.append("0\r\n\r\n");
    String answer = RawHttp.exchange(server.port(), request.toString(), false);
    assertThat(answer).startsWith("HTTP/1.1 503").contains("\"bytesWanted\"").contains("\"bytesLimit\":65536");
    awaitNothingReserved();
  }

  @Test
  void bodiesThatFitAreReadAndTheirBytesReleasedAfterwards() throws Exception {
    String answer = RawHttp.exchange(server.port(), "POST /lab/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n"
        + "Connection: close\r\n\r\n" + "y".repeat(40_000), false);
    assertThat(answer).startsWith("HTTP/1.1 200").contains("\"bytes\":40000");
    awaitNothingReserved();
  }

  @Test
  void concurrentBodiesShareTheBudget() throws Exception {
    try (Socket first = new Socket()) {
      first.connect(new InetSocketAddress("127.0.0.1", server.port()));
      OutputStream out = first.getOutputStream();
      out.write("POST /lab/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n\r\nstarted"
          .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      server.awaitStatus(s -> s.getJsonObject("pressure").getJsonObject("inflightBodyBytes").getLong("inUse") > 0);
      String second = RawHttp.exchange(server.port(),
          "POST /lab/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n\r\n", false);
      assertThat(second).startsWith("HTTP/1.1 503").contains("\"bytesWanted\":40000");
    }
    awaitNothingReserved();
    String third = RawHttp.exchange(server.port(), "POST /lab/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 40000\r\n"
        + "Connection: close\r\n\r\n" + "z".repeat(40_000), false);
    assertThat(third).startsWith("HTTP/1.1 200");
  }

  private static long inflightShed() throws Exception {
    JsonObject shed = server.status().getJsonObject("pressure").getJsonObject("shed");
    return shed.getJsonObject("normal").getLong("inflight_bytes");
  }

  private static void awaitNothingReserved() throws Exception {
    server.awaitStatus(s -> s.getJsonObject("pressure").getJsonObject("inflightBodyBytes").getLong("inUse") == 0);
  }
}
