package dev.bulwark.stream;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Posts one file as {@code multipart/form-data} with {@code Transfer-Encoding: chunked} (no Content-Length, so the
 * server cannot know the size in advance) through a Vert.x {@link HttpClient}, in 64 KiB writes, each awaited so the
 * client feels the server's back-pressure. Stops sending once the answer has come or the connection is cut.
 */
final class ChunkedUpload {

  static final String BOUNDARY = "bulwarkChunkedBoundary";
  private static final int STEP = 64 * 1024;
  private static final long TIMEOUT_S = 20;

  /** The status and body of the answer. */
  record Reply(int status, String body) {
    String error() {
      return new JsonObject(body).getString("error");
    }
  }

  private ChunkedUpload() {
  }

  /** Sends {@code data} as file {@code name}; {@code afterWrite} hears the data bytes sent after each write. */
  static Reply post(HttpClient client, int port, String name, byte[] data, LongConsumer afterWrite) throws Exception {
    HttpClientRequest request = client.request(HttpMethod.POST, port, "127.0.0.1", "/uploads")
        .await(TIMEOUT_S, TimeUnit.SECONDS);
    request.setChunked(true).putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    request.exceptionHandler(e -> { }); // a refused upload's connection is closed under the client: expected
    // The body listener is attached on the event loop as the answer arrives, never later (eclipse-vertx/vert.x#5904).
    Future<Reply> reply = request.response()
        .compose(r -> r.body().map(body -> new Reply(r.statusCode(), body.toString(StandardCharsets.UTF_8))));
    boolean open = write(request, Buffer.buffer("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; "
        + "filename=\"" + name + "\"\r\nContent-Type: application/octet-stream\r\n\r\n"));
    for (int off = 0; open && off < data.length && !reply.isComplete(); off += STEP) {
      int n = Math.min(STEP, data.length - off);
      open = write(request, Buffer.buffer().appendBytes(data, off, n));
      afterWrite.accept(off + n);
    }
    if (open && !reply.isComplete()) {
      request.end(Buffer.buffer("\r\n--" + BOUNDARY + "--\r\n"));
    }
    return reply.await(TIMEOUT_S, TimeUnit.SECONDS);
  }

  private static boolean write(HttpClientRequest request, Buffer buffer) {
    try {
      request.write(buffer).await(TIMEOUT_S, TimeUnit.SECONDS);
      return true;
    } catch (Exception cut) {
      return false;
    }
  }
}
