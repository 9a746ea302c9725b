package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code http.idleTimeout} is honoured to the millisecond: a sub-second value is not rounded down to "never". Real
 * time by nature: the waits are socket read timeouts, never sleeps.
 */
class IdleTimeoutTest {

  @Test
  void aSubSecondIdleTimeoutClosesAnIdleConnectionInAboutThatTime() throws Exception {
    try (TestServer server = idleTimeout("500ms"); Socket socket = connect(server.port())) {
      hello(socket);
      socket.setSoTimeout(5_000);
      long idleSince = System.nanoTime();
      assertThat(socket.getInputStream().read()).as("the server closes the idle connection").isEqualTo(-1);
      long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
      assertThat(idleMs).as("ms idle before the close").isBetween(400L, 2_000L);
    }
  }

  @Test
  void zeroMeansAnIdleConnectionIsNeverClosed() throws Exception {
    try (TestServer server = idleTimeout("0s"); Socket socket = connect(server.port())) {
      hello(socket);
      socket.setSoTimeout(1_500);
      assertThatThrownBy(() -> socket.getInputStream().read()).as("still open after 1.5 s idle")
          .isInstanceOf(SocketTimeoutException.class);
      socket.setSoTimeout(5_000);
      hello(socket);
    }
  }

  private static TestServer idleTimeout(String value) throws Exception {
    return TestServer.start(new JsonObject().put("http", new JsonObject().put("idleTimeout", value)));
  }

  private static Socket connect(int port) throws IOException {
    return RawHttp.connect(port);
  }

  /** One keep-alive request; reads exactly its answer ({@code hello}, 5 bytes), leaving the connection open. */
  private static void hello(Socket socket) throws IOException {
    socket.setSoTimeout(5_000);
    socket.getOutputStream().write("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("answer head").isNotEqualTo(-1);
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 5");
    assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
  }
}
