package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.LeakCanary;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A body refused while it streams in (413 mid-way, then a lingering close) leaves no Netty buffer unreleased. Vert.x
 * queues what it reads while a request is paused and drops that queue unreleased when the connection closes; Bulwark
 * hands it heap copies only ({@code RequestFraming}), so nothing pooled is ever left there.
 */
class RefusedBodyBuffersTest {

  private static final int CHUNK = 64 * 1024;
  private static final int ROUNDS = 20;

  @Test
  void chunkedBodiesRefusedMidStreamLeaveNoNettyBufferUnreleased() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("leaks", new JsonObject().put("nettyLevel", "PARANOID"))
        .put("cache", new JsonObject().put("maxValueSize", "8MiB"))
        .put("caches", new JsonObject().put("default", new JsonObject().put("maxWeight", "64MiB"))))) {
      long[] reports = new long[1];
      List<ILoggingEvent> log = CapturedLog.instead(() -> {
        for (int i = 0; i < ROUNDS; i++) {
          String head = "PUT /cache/default/big" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n";
          assertThat(RawHttp.exchange(server.port(), head + "Transfer-Encoding: chunked\r\n\r\n",
              chunked(3_000_000))).startsWith("HTTP/1.1 413");
          assertThat(RawHttp.exchange(server.port(), head + "Content-Length: 3000000\r\n\r\n",
              new byte[3_000_000])).startsWith("HTTP/1.1 413");
        }
        server.awaitStatus(s -> s.getJsonObject("http").getInteger("connections") == 0);
        reports[0] = LeakCanary.reportsAfterCanary(() -> nettyLeaks(server));
        return null;
      });
      assertThat(reports[0]).as("only the canary leaked; Netty said: %s", log.stream()
          .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("LEAK")).toList()).isEqualTo(1);
    }
  }

  private static long nettyLeaks(TestServer server) {
    try {
      return server.status().getJsonObject("nettyLeaks").getLong("reports");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** {@code size} zero bytes in chunks of 64 KiB, then the last chunk. */
  private static byte[] chunked(int size) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < size; off += CHUNK) {
      int n = Math.min(CHUNK, size - off);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[n], 0, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
