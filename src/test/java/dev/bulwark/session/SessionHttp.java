package dev.bulwark.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntUnaryOperator;

/** Session requests with byte bodies over real HTTP, as the session tests send them; values and log capture. */
final class SessionHttp {

  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  private SessionHttp() {
  }

  static HttpRequest request(int port, String method, String path, byte[] body, String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return b.build();
  }

  static HttpResponse<byte[]> send(int port, String method, String path, byte[] body, String cookie)
      throws Exception {
    return CLIENT.send(request(port, method, path, body, cookie), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** A new session on {@code port}: its cookie as a {@code Cookie} header value ({@code name=id}). */
  static String newSession(int port) throws Exception {
    HttpResponse<byte[]> first = send(port, "GET", "/session", null, null);
    assertThat(first.statusCode()).isEqualTo(200);
    return first.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
  }

  /** The session id inside a {@code name=id} cookie. */
  static String idOf(String cookie) {
    return cookie.substring(cookie.indexOf('=') + 1);
  }

  static String errorOf(HttpResponse<byte[]> response) {
    return new JsonObject(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8)).getString("error");
  }

  /** {@code size} random bytes that include 0x00 and 0xFF, so a text decoding anywhere would show. */
  private static byte[] binary(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    bytes[0] = 0;
    bytes[size - 1] = (byte) 0xFF;
    return bytes;
  }

  /**
   * {@code count} PUTs of {@code values[i]} to {@code /session/data/k<i>} all at once with one cookie, request i to
   * the port {@code portOf} gives; the answers in that order.
   */
  static List<HttpResponse<byte[]>> putAll(byte[][] values, String cookie, IntUnaryOperator portOf) {
    List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      sent.add(CLIENT.sendAsync(request(portOf.applyAsInt(i), "PUT", "/session/data/k" + i, values[i], cookie),
          HttpResponse.BodyHandlers.ofByteArray()));
    }
    return sent.stream().map(CompletableFuture::join).toList();
  }

  /** {@code count} values of 1 to {@code maxSize} random bytes, each with a 0x00 and a 0xFF. */
  static byte[][] values(long seed, int count, int maxSize) {
    Random random = new Random(seed);
    byte[][] values = new byte[count][];
    for (int i = 0; i < count; i++) {
      values[i] = binary(random, 1 + random.nextInt(maxSize));
    }
    return values;
  }

  /** Exactly {@code kept} answers are 204; all others are 413 {@code too_many_keys}. */
  static void assertKeptExactly(List<HttpResponse<byte[]>> puts, int kept) {
    assertThat(puts).filteredOn(r -> r.statusCode() == 204).hasSize(kept);
    assertThat(puts).filteredOn(r -> r.statusCode() != 204).hasSize(puts.size() - kept)
        .allSatisfy(r -> {
          assertThat(r.statusCode()).isEqualTo(413);
          assertThat(errorOf(r)).isEqualTo("too_many_keys");
        });
  }

  /** Runs {@code action}; the log events of level ERROR, or carrying a throwable, meanwhile. */
  static List<ILoggingEvent> loudEventsDuring(Callable<?> action) throws Exception {
    return CapturedLog.during(action).stream()
        .filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null).toList();
  }
}
