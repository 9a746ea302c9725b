package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A body gets the same answer whether it declares its length or comes chunked: the limit a route reading into memory
 * gets is its own limit and {@code http.maxBodySize}, whichever is smaller, unless its path is a streamed prefix,
 * whose own limit then stands in for {@code http.maxBodySize} (as it does for a declared length).
 */
class BodyFramingTest {

  private static final int CHUNK = 64 * 1024;
  private static TestServer server;

  /** A module reading whole bodies under a streamed prefix of 4 MiB, above http.maxBodySize. */
  static final class BulkModule implements RouteModule {
    @Override
    public void mount(Router router, Context context) {
      context.streamedBody("/bulk", 4L << 20);
      router.put("/bulk/:n").handler(ctx -> context.bodies().read(ctx, 8L << 20)
          .onSuccess(b -> ctx.response().setStatusCode(204).end())
          .onFailure(e -> ApiError.fail(ctx, e)));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject()
        .put("cache", new JsonObject().put("maxValueSize", "8MiB"))
        .put("caches", new JsonObject().put("default", new JsonObject().put("maxWeight", "64MiB")))
        .put("sessions", new JsonObject().put("maxValueSize", "4KiB")), () -> List.of(new BulkModule()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @ParameterizedTest(name = "{0} {1} bytes: {2} {3}")
  @CsvSource({
      // http.maxBodySize (1 MiB by default) is smaller than cache.maxValueSize (8 MiB): it decides.
      "/cache/default/big, 3000000, 413, request_too_large",
      "/cache/default/small, 500000, 204, ",
      // The route's own limit (sessions.maxValueSize 4 KiB) is smaller: its own answer.
      "/session/data/k, 8000, 413, value_too_large",
      // A streamed prefix's own limit (4 MiB) replaces http.maxBodySize, the route's (8 MiB) still applies.
      "/bulk/1, 3000000, 204, ",
      "/bulk/2, 5000000, 413, request_too_large",
  })
  void declaredAndChunkedBodiesGetTheSameAnswer(String path, int size, int status, String code) throws Exception {
    byte[] body = new byte[size];
    Reply declared = send(path, body, false);
    Reply chunked = send(path, body, true);
    assertThat(declared.status()).as("declared length").isEqualTo(status);
    assertThat(chunked).as("chunked, as declared").isEqualTo(declared);
    if (code != null) {
      assertThat(new JsonObject(declared.body()).getString("error")).isEqualTo(code);
    }
  }

  private record Reply(int status, String body) {
    static Reply of(String raw) {
      int status = Integer.parseInt(raw.substring("HTTP/1.1 ".length(), "HTTP/1.1 ".length() + 3));
      return new Reply(status, raw.substring(raw.indexOf("\r\n\r\n") + 4));
    }
  }

  /** Sent raw, by a client that stops sending once the server has answered and closed, and reads that answer. */
  private static Reply send(String path, byte[] body, boolean chunked) throws Exception {
    String head = "PUT " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + (chunked ? "Transfer-Encoding: chunked\r\n\r\n" : "Content-Length: " + body.length + "\r\n\r\n");
    return Reply.of(RawHttp.exchange(server.port(), head, chunked ? chunked(body) : body));
  }

  /** {@code body} in chunks of 64 KiB, then the last chunk. */
  private static byte[] chunked(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int off = 0; off < body.length; off += CHUNK) {
      int n = Math.min(CHUNK, body.length - off);
      out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, off, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }
}
