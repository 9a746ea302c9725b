package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** http.maxConnections: connections past it are closed as they arrive, counted, and never served. */
class ConnectionLimitTest {

  private static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    socket.setSoTimeout(5000);
    return socket;
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
}
