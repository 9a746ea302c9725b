package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.ConfigException;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What the main port checks of a connection: http.maxConnections (past it a connection is closed as it arrives,
 * counted, never served), http.headerTimeout (a head that dribbles in is cut, however active its sender) and
 * memory.refuseConnectionsWhenCritical.
 */
class ConnectionGuardTest {

  private static Socket connect(int port) throws IOException {
    return RawHttp.connect(port);
  }

  /** Sends GET /hello and reads the status line; null when the server closed the connection instead. */
  private static String hello(Socket socket) throws IOException {
    try {
      socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      if (head.length < 12) {
        return null;
      }
      in.readNBytes(in.available()); // the rest of this small answer
      return new String(head, StandardCharsets.ISO_8859_1);
    } catch (IOException closedByServer) {
      return null;
    }
  }

  @Test
  void connectionsPastTheLimitAreClosedAtOnceAndCounted() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("maxConnections", 4)))) {
      List<Socket> kept = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          Socket s = connect(server.port());
          assertThat(hello(s)).isEqualTo("HTTP/1.1 200");
          kept.add(s);
        }
        server.awaitStatus(st -> st.getJsonObject("http").getInteger("connections") == 4);
        for (int i = 0; i < 3; i++) {
          try (Socket extra = connect(server.port())) {
            assertThat(hello(extra)).as("a connection past the limit is never served").isNull();
          }
        }
        JsonObject http = server.awaitStatus(st -> st.getJsonObject("http").getLong("refusedConnections") == 3)
            .getJsonObject("http");
        assertThat(http.getInteger("maxConnections")).isEqualTo(4);
        kept.remove(0).close();
        server.awaitStatus(st -> st.getJsonObject("http").getInteger("connections") == 3);
        try (Socket again = connect(server.port())) {
          assertThat(hello(again)).as("a place freed is taken again").isEqualTo("HTTP/1.1 200");
        }
      } finally {
        for (Socket s : kept) {
          s.close();
        }
      }
      server.awaitStatus(st -> st.getJsonObject("http").getInteger("connections") == 0);
    }
  }

  /** Sends part of a head, then one byte every {@code gapMillis}; true when the server closed the socket first. */
  private static boolean dribbleUntilClosed(Socket socket, long gapMillis, long forMillis) throws Exception {
    OutputStream out = socket.getOutputStream();
    out.write("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
    long end = System.nanoTime() + forMillis * 1_000_000;
    socket.setSoTimeout((int) gapMillis);
    while (System.nanoTime() < end) {
      try {
        if (socket.getInputStream().read() == -1) {
          return true;
        }
      } catch (SocketTimeoutException stillOpen) {
        try {
          out.write('a');
          out.flush();
        } catch (IOException reset) {
          return true;
        }
      } catch (IOException reset) {
        return true;
      }
    }
    return false;
  }

  @Test
  void dribblingHeadsAreCutAtTheHeaderTimeoutWhileOthersAreServed() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("headerTimeout", "400ms").put("idleTimeout", "60s")))) {
      ExecutorService pool = Executors.newFixedThreadPool(6);
      try {
        List<Future<Boolean>> dribblers = new ArrayList<>();
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          Socket s = connect(server.port());
          sockets.add(s);
          dribblers.add(pool.submit(() -> dribbleUntilClosed(s, 50, 5000)));
        }
        try (Socket normal = connect(server.port())) {
          assertThat(hello(normal)).as("served while the dribblers wait").isEqualTo("HTTP/1.1 200");
        }
        for (Future<Boolean> d : dribblers) {
          assertThat(d.get(10, TimeUnit.SECONDS)).as("a dribbling head is cut, though never idle").isTrue();
        }
        sockets.forEach(ConnectionGuardTest::closeQuietly);
        JsonObject http = server.awaitStatus(st -> st.getJsonObject("http").getLong("headTimeouts") == 6)
            .getJsonObject("http");
        assertThat(http.getLong("headerTimeoutMs")).isEqualTo(400);
        assertThat(server.get("/metrics").body()).contains("bulwark_http_head_timeouts_total 6.0");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void socketsThatNeverFinishAHeadCountAgainstTheLimitUntilTheirDeadline() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("maxConnections", 3).put("headerTimeout", "1s")))) {
      List<Socket> partial = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          Socket s = connect(server.port());
          s.getOutputStream().write("GET /hello HTTP/1.1\r\nHost:".getBytes(StandardCharsets.ISO_8859_1));
          partial.add(s);
        }
        server.awaitStatus(st -> st.getJsonObject("http").getInteger("connections") == 3);
        try (Socket extra = connect(server.port())) {
          assertThat(hello(extra)).as("the places are taken by unfinished heads").isNull();
        }
        server.awaitStatus(st -> st.getJsonObject("http").getInteger("connections") == 0
            && st.getJsonObject("http").getLong("headTimeouts") == 3);
        try (Socket again = connect(server.port())) {
          assertThat(hello(again)).as("their deadline freed the places").isEqualTo("HTTP/1.1 200");
        }
      } finally {
        partial.forEach(ConnectionGuardTest::closeQuietly);
      }
    }
  }

  @Test
  void keepAliveConnectionsWaitForTheirNextRequestPastTheHeaderTimeout() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("headerTimeout", "200ms").put("idleTimeout", "60s")));
        Socket socket = connect(server.port())) {
      assertThat(hello(socket)).isEqualTo("HTTP/1.1 200");
      Thread.sleep(700); // idle between requests: idleTimeout's business, not headerTimeout's
      assertThat(hello(socket)).as("an idle keep-alive connection is kept").isEqualTo("HTTP/1.1 200");
      OutputStream out = socket.getOutputStream();
      for (byte b : "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)) {
        out.write(b);
        out.flush();
      }
      byte[] head = socket.getInputStream().readNBytes(12);
      assertThat(new String(head, StandardCharsets.ISO_8859_1)).as("a head sent byte by byte in time is served")
          .isEqualTo("HTTP/1.1 200");
      assertThat(server.status().getJsonObject("http").getLong("headTimeouts")).isZero();
    }
  }

  @Test
  void newConnectionsAreRefusedAtCriticalPressureWhenConfigured() throws Exception {
    Path inject = Files.createTempDirectory("bulwark-connections").resolve("pressure");
    try (TestServer server = TestServer.start(new JsonObject()
        .put("memory", new JsonObject().put("injectFile", inject.toString()).put("sampleInterval", "20ms")
            .put("minDwell", "0s").put("gcProbeInterval", "0s").put("refuseConnectionsWhenCritical", true)))) {
      try (Socket open = connect(server.port())) {
        assertThat(hello(open)).isEqualTo("HTTP/1.1 200");
        Files.writeString(inject, "0.99");
        server.awaitStatus(st -> st.getJsonObject("pressure").getString("level").equals("CRITICAL"));
        try (Socket late = connect(server.port())) {
          assertThat(hello(late)).as("a new connection at CRITICAL is closed unserved").isNull();
        }
        assertThat(hello(open)).as("an open connection is still served (a critical route)")
            .isNotNull();
        server.awaitStatus(st -> st.getJsonObject("http").getLong("refusedWhenCritical") == 1);
        Files.delete(inject);
        server.awaitStatus(st -> st.getJsonObject("pressure").getString("level").equals("NORMAL"));
        try (Socket after = connect(server.port())) {
          assertThat(hello(after)).isEqualTo("HTTP/1.1 200");
        }
      } finally {
        Files.deleteIfExists(inject);
      }
    }
  }

  @Test
  void aBoundTheOpenFileLimitCannotHoldIsRefusedAtStart() {
    HttpOptions options = new HttpOptions();
    assertThat(options.resolvedMaxConnections(-1)).isEqualTo(HttpOptions.AUTO_MAX_CONNECTIONS);
    assertThat(options.resolvedMaxConnections(1024)).isEqualTo(1024 - HttpOptions.FILES_BESIDES_CONNECTIONS);
    assertThat(options.resolvedMaxConnections(1 << 20)).isEqualTo(HttpOptions.AUTO_MAX_CONNECTIONS);
    options.setMaxConnections(5000);
    assertThat(options.resolvedMaxConnections(8192)).isEqualTo(5000);
    assertThatThrownBy(() -> options.resolvedMaxConnections(1024)).hasMessageContaining("maxConnections = 5000")
        .hasMessageContaining("ulimit -n");
    long limit = BulwarkConfig.openFileLimit();
    assumeTrue(limit > 0 && limit < HttpOptions.MAX_MAX_CONNECTIONS, "this JVM cannot tell its open-file limit");
    assertThatThrownBy(() -> BulwarkConfig.fromJson(new JsonObject().put("http",
        new JsonObject().put("maxConnections", HttpOptions.MAX_MAX_CONNECTIONS))))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.maxConnections = 1000000");
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // already closed by the server
    }
  }
}
