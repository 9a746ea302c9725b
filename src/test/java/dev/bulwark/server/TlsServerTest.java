package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.Curl;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.SelfSignedPem;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The main port over TLS: real curl negotiates HTTP/2 by ALPN with the certificate it is told to trust, HTTP/1.1
 * clients are served too, and the socket guards hold before and after the handshake: a client that opens a socket and
 * never completes its handshake is cut at {@code http.tls.handshakeTimeout}, one that speaks plain HTTP is refused,
 * both counted and neither logged above DEBUG; after the handshake a dribbled head is cut at
 * {@code http.headerTimeout}.
 */
class TlsServerTest {

  private static SelfSignedPem pem;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-tls");
    pem = SelfSignedPem.create(dir, "server");
    server = TestServer.startTls(new JsonObject().put("http", new JsonObject().put("headerTimeout", "500ms")
        .put("tls", pem.tlsSection().put("handshakeTimeout", "500ms"))), pem.trusting());
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** curl on the main port's /hello: its body, a newline, the HTTP version it spoke. */
  private static String curl(Path caCert, int port, String... options) throws Exception {
    List<String> args = new ArrayList<>(List.of("-w", "\n%{http_version}"));
    args.addAll(List.of(options));
    args.add("https://127.0.0.1:" + port + "/hello");
    return Curl.run(caCert, args.toArray(new String[0]));
  }

  @Test
  void curlTrustingTheCertificateNegotiatesHttp2AndGetsHello() throws Exception {
    assertThat(curl(pem.certFile(), server.port())).isEqualTo("hello\n2");
  }

  @Test
  void http11ClientsAreServedOverTlsToo() throws Exception {
    assertThat(curl(pem.certFile(), server.port(), "--http1.1")).isEqualTo("hello\n1.1");
    assertThat(server.get("/hello").body()).isEqualTo("hello");
  }

  @Test
  void socketsThatNeverCompleteTheirHandshakeAreCutAtTheHandshakeTimeoutAndCounted() throws Exception {
    long before = server.status().getJsonObject("http").getLong("tlsHandshakeTimeouts");
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      try (Socket silent = RawHttp.connect(server.port()); Socket partial = RawHttp.connect(server.port())) {
        // The first bytes of a ClientHello record, then nothing: a handshake begun and never finished.
        partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xc8, 0x01, 0x00});
        long start = System.nanoTime();
        assertThat(closedByServer(silent)).as("a silent socket is closed").isTrue();
        assertThat(closedByServer(partial)).as("a half handshake is closed").isTrue();
        assertThat((System.nanoTime() - start) / 1_000_000).as("ms until both were closed").isLessThan(5000);
        assertThat(curl(pem.certFile(), server.port())).as("served meanwhile").isEqualTo("hello\n2");
      }
      server.awaitStatus(s -> s.getJsonObject("http").getLong("tlsHandshakeTimeouts") == before + 2);
      return null;
    });
    assertQuiet(events);
    assertThat(server.get("/metrics").body())
        .contains("bulwark_http_tls_handshake_failures_total{reason=\"timeout\"} " + (before + 2) + ".0");
  }

  @Test
  void plainHttpToTheTlsPortIsRefusedQuietlyAndCounted() throws Exception {
    long before = server.status().getJsonObject("http").getLong("tlsHandshakeFailures");
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String answer;
      try {
        answer = RawHttp.exchange(server.port(), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n", false);
      } catch (IOException reset) {
        answer = "";
      }
      assertThat(answer).as("no HTTP answer to cleartext").doesNotContain("HTTP/1.1").doesNotContain("hello");
      server.awaitStatus(s -> s.getJsonObject("http").getLong("tlsHandshakeFailures") == before + 1);
      return null;
    });
    assertQuiet(events);
  }

  @Test
  void afterTheHandshakeADribbledHeadIsCutAtTheHeaderTimeout() throws Exception {
    long before = server.status().getJsonObject("http").getLong("headTimeouts");
    try (SSLSocket socket = (SSLSocket) pem.trusting().getSocketFactory().createSocket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: a".getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      assertThat(closedByServer(socket)).as("the unfinished head is cut").isTrue();
    }
    server.awaitStatus(s -> s.getJsonObject("http").getLong("headTimeouts") == before + 1);
  }

  /** True when the server closes (or resets) {@code socket} before its read times out. */
  static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(10_000);
    InputStream in = socket.getInputStream();
    try {
      while (in.read() != -1) {
        // a TLS alert, if any, before the close
      }
      return true;
    } catch (java.net.SocketTimeoutException stillOpen) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  static void assertQuiet(List<ILoggingEvent> events) {
    assertThat(events).as("no ERROR and no stack trace in the log")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
  }
}
