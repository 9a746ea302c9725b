package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.MalformedRequests;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Malformed requests, as an attacker or a broken client sends them, to the main and the admin port: each gets its 4xx
 * in the JSON error shape (or, where the framing cannot be trusted, a 4xx and a closed connection), the server serves
 * the next request, and nothing reaches the log at ERROR or with a stack trace.
 */
class HostileClientTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("http", new JsonObject().put("h2c", false)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String send(int port, String request) throws Exception {
    return RawHttp.exchange(port, request, false);
  }

  private static void assertQuiet(List<ILoggingEvent> events) {
    assertThat(events).as("no ERROR and no stack trace in the log")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
  }

  private static void assertStillServing() throws Exception {
    assertThat(send(server.port(), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
        .startsWith("HTTP/1.1 200");
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiter = '|', value = {
      "GET /hello%ZZ HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n | 400 | bad_path",
      "GET /files/% HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n | 400 | bad_path",
      "GET /files/%zz%%/x HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n | 400 | bad_path",
      "GET /cache/default/a%G1 HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n | 400 | bad_path",
      "GET /hello HTTP/1.1\\r\\nConnection: close\\r\\n\\r\\n | 400 | bad_host",
      "GET /hello HTTP/1.1\\r\\nHost: [::1\\r\\nConnection: close\\r\\n\\r\\n | 400 | bad_host",
      "PUT /cache/default/k HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 5\\r\\nExpect: bogus\\r\\n\\r\\nhello | 417 | expectation_failed",
      "PUT /cache/default/k HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: xchunked\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\n | 400 | bad_request",
      "PUT /cache/default/k HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked, gzip\\r\\n\\r\\n | 400 | bad_request",
      "PUT /cache/default/k HTTP/1.1\\r\\nHost: x\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\r\\nhello\\r\\n0\\r\\n\\r\\nGET /hello HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n | 400 | bad_request",
      "GET /hello HTTP/9.9\\r\\nHost: x\\r\\n\\r\\n | 400 | bad_version",
      "PUT /cache/default/k HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n-5\\r\\nhello\\r\\n0\\r\\n\\r\\n | 400 | bad_request",
      "PUT /cache/default/k HTTP/1.1\\r\\nHost: x\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nFFFFFFFFFFFFFFFFFF\\r\\nhello\\r\\n0\\r\\n\\r\\n | 400 | bad_request",
  })
  void malformedRequestsGetTheir4xxAndNoErrorLine(String request, int status, String code) throws Exception {
    String raw = request.replace("\\r\\n", "\r\n");
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String answer = send(server.port(), raw);
      assertThat(answer).startsWith("HTTP/1.1 " + status).contains("\"error\":\"" + code + "\"");
      assertThat(answer.split("(?m)^HTTP/1\\.1 ", -1)).as("nothing after it was served (smuggling)").hasSize(2);
      return null;
    });
    assertQuiet(events);
    assertStillServing();
  }

  @Test
  void oversizedChunkExtensionsAndTrailersGet400AndAClose() throws Exception {
    String extension = "PUT /cache/default/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;"
        + "a".repeat(100_000) + "\r\nhello\r\n0\r\n\r\n";
    StringBuilder trailers = new StringBuilder(
        "PUT /cache/default/k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n");
    for (int i = 0; i < 3000; i++) {
      trailers.append("X-T").append(i).append(": v\r\n");
    }
    trailers.append("\r\n");
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      for (String request : new String[] {extension, trailers.toString()}) {
        assertThat(send(server.port(), request)).startsWith("HTTP/1.1 400").contains("connection: close");
      }
      return null;
    });
    assertQuiet(events);
    assertStillServing();
  }

  @Test
  void theAdminPortAnswersMalformedRequestsBeforeAndAfterItsToken() throws Exception {
    int admin = server.server().adminPort();
    String token = server.server().adminToken();
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      assertThat(send(admin, "GET /admin/status HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 400");
      assertThat(send(admin, "GET /admin/%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer " + token + "\r\n\r\n"))
          .startsWith("HTTP/1.1 400").contains("bad_path");
      return null;
    });
    assertQuiet(events);
  }

  @Test
  void headAnswersEveryGetRouteWithoutABody() throws Exception {
    for (String path : new String[] {"/hello", "/health", "/health/live", "/health/ready", "/metrics"}) {
      String answer = send(server.port(), "HEAD " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(answer).as(path).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
    }
  }

  @Test
  void expectContinueIsAnswered() throws Exception {
    String answer = send(server.port(), "PUT /cache/default/c HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
        + "Expect: 100-continue\r\nConnection: close\r\n\r\nhello");
    assertThat(answer).startsWith("HTTP/1.1 100 Continue").contains("HTTP/1.1 204");
  }

  @Test
  void malformedRequestsAreCountedByReason() throws Exception {
    send(server.port(), "GET /hello%Z1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    send(server.port(), "PUT /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n");
    String metrics = server.get("/metrics").body();
    assertThat(metrics).containsPattern("bulwark_http_rejected_total\\{reason=\"bad_path\"} [1-9]")
        .containsPattern("bulwark_http_rejected_total\\{reason=\"transfer_coding\"} [1-9]")
        .contains("bulwark_http_rejected_total{reason=\"overloaded\"}");
    assertThat(server.status().getJsonObject("http").getJsonObject("rejectedByReason").getLong("bad_path"))
        .isPositive();
  }

  @Test
  void aLongTargetOverHttp2Gets414AsOverHttp1() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestServer h2server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("h2c", true)))) {
      HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(h2server.port()));
      String path = "/hello?q=" + "a".repeat(5000);
      int status = h2.request(HttpMethod.GET, path).compose(req -> req.send().compose(r -> r.body().map(r.statusCode())))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(status).isEqualTo(414);
      assertThat(send(h2server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
          .containsPattern("^HTTP/1\\.[01] 414");
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void fourHundredGeneratedMalformedRequestsGetNo5xxLeaveNothingHangingAndLogNoError() throws Exception {
    MalformedRequests generator = new MalformedRequests(20261127L);
    java.util.Map<String, Integer> statuses = new java.util.TreeMap<>();
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(16);
      try {
        List<java.util.concurrent.Future<String>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
          String request = generator.next();
          answers.add(pool.submit(() -> MalformedRequests.exchange("127.0.0.1", server.port(), request)));
        }
        for (java.util.concurrent.Future<String> answer : answers) {
          statuses.merge(answer.get(), 1, Integer::sum);
        }
      } finally {
        pool.shutdownNow();
      }
      return null;
    });
    assertThat(statuses.keySet()).as("statuses %s", statuses)
        .noneMatch(s -> s.startsWith("5") || s.equals("timeout") || s.equals("garbage"));
    assertQuiet(events);
    assertStillServing();
  }

  @Test
  void resetsInTheMiddleOfAHeadLogNothingWithH2cOn() throws Exception {
    try (TestServer h2server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("h2c", true)))) {
      List<ILoggingEvent> events = CapturedLog.during(() -> {
        for (int i = 0; i < 20; i++) {
          try (java.net.Socket socket = new java.net.Socket("127.0.0.1", h2server.port())) {
            socket.getOutputStream().write("GET /hel".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0); // close with a reset
          }
        }
        Thread.sleep(300); // the server sees the resets on its event loops
        return null;
      });
      assertQuiet(events);
      assertThat(send(h2server.port(), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
          .startsWith("HTTP/1.1 200");
    }
  }

  @Test
  void anEarlyRefusalIsStillReadByAClientThatKeepsSendingItsBody() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(("PUT /cache/default/big HTTP/1.1\r\nHost: x\r\nContent-Length: " + (8 << 20) + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      byte[] chunk = new byte[64 << 10];
      for (int i = 0; i < 32; i++) { // 2 MiB more after the server has answered 413 and stopped reading for itself
        out.write(chunk);
        out.flush();
        Thread.sleep(5);
      }
      byte[] head = socket.getInputStream().readNBytes(12);
      assertThat(new String(head, java.nio.charset.StandardCharsets.ISO_8859_1))
          .as("the answer survives the close (lingering close: no reset under it)").isEqualTo("HTTP/1.1 413");
    }
  }
}
