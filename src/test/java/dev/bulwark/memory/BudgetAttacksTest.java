package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The attacks that used to pin the memory budgets, now bounded by the budget tree. */
class BudgetAttacksTest {

  @Test
  void idleSocketsPromisingBodiesToARouteThatReadsNoneHoldNoBudget() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("memory", new JsonObject().put("inflightBodyBytes", "32MiB")))) {
      List<Socket> idle = new ArrayList<>();
      try {
        for (int i = 0; i < 33; i++) {
          Socket s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
          s.getOutputStream().write(("GET /data/items?count=10000000 HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576"
              + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          s.getOutputStream().flush();
          idle.add(s);
        }
        // Every one of them has been answered (the stream has started), and none holds body budget.
        for (Socket s : idle) {
          s.setSoTimeout(10_000);
          InputStream in = s.getInputStream();
          assertThat(new String(in.readNBytes(12), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 200");
        }
        for (int i = 0; i < 20; i++) {
          HttpResponse<String> put = server.client().send(HttpRequest.newBuilder(
                  URI.create("http://127.0.0.1:" + server.port() + "/cache/default/k" + i))
              .PUT(HttpRequest.BodyPublishers.ofString("v".repeat(1000))).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(put.statusCode()).as(put.body()).isEqualTo(204);
        }
        JsonObject bodies = server.status().getJsonObject("budgets").getJsonObject("children").getJsonObject("bodies");
        assertThat(bodies.getLong("trips")).isZero();
      } finally {
        for (Socket s : idle) {
          s.close();
        }
      }
    }
  }

  @Test
  void clientsFillingTheirSessionsAreEvictedWithinTheSessionBytes() throws Exception {
    long maxBytes = 1 << 20;
    try (TestServer server = TestServer.start(new JsonObject()
        .put("sessions", new JsonObject().put("maxBytes", "1MiB")))) {
      String value = "x".repeat(4096);
      for (int client = 0; client < 40; client++) {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(5)).build();
        String base = "http://127.0.0.1:" + server.port();
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/session")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        for (int key = 0; key < 32; key++) {
          HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(base + "/session/data/k" + key))
              .PUT(HttpRequest.BodyPublishers.ofString(value)).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(put.statusCode()).as(put.body()).isIn(204, 503);
        }
        JsonObject sessions = server.status().getJsonObject("budgets").getJsonObject("children")
            .getJsonObject("sessions");
        // Caffeine evicts just after the write that went over: a margin of one session's worth.
        assertThat(sessions.getLong("used")).isLessThanOrEqualTo(maxBytes + 32 * 8_400L);

      }
      // 40 clients x 32 keys x 4 KiB is 5 MiB of values written; the store kept at most its 1 MiB.
      JsonObject sessions = server.status().getJsonObject("sessions");
      assertThat(sessions.getLong("evictions")).isPositive();
      assertThat(sessions.getLong("bytes")).isLessThanOrEqualTo(maxBytes + 32 * 8_400L);
    }
  }
}
