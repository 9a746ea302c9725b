package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A file that changes between its lookup and its send, made deterministic by looking it up in the test, changing it,
 * then letting the server send what was looked up: the client gets its answer at once (404 when the file is gone, 500
 * when it cannot be read, a cut connection when the head was already out), never the request timeout, and the log
 * holds no ERROR and no stack trace.
 */
class VanishingFileTest {

  /** What the test looked up, by name; the probe route sends it as the file route would. */
  private static final Map<String, SafePath.Found> LOOKED_UP = new ConcurrentHashMap<>();
  private static TestServer server;
  private static Path root;
  private static Path uploads;

  private static final class SendProbe implements RouteModule {
    @Override
    public void mount(Router router, Context context) {
      router.get("/probe/send/:name").handler(ctx ->
          FileSender.send(ctx, LOOKED_UP.get(ctx.pathParam("name")), true, 1 << 20));
      router.get("/probe/after-head").handler(ctx -> {
        ctx.response().setChunked(true).write("partial");
        FileSender.sendWhole(ctx, root.resolve("never-there.bin"));
      });
    }
  }

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("bulwark-vanishing");
    uploads = Files.createTempDirectory("bulwark-vanishing-uploads");
    // A short request timeout, so a response left hanging fails the test quickly with a 503 instead of a 404.
    server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("requestTimeout", "3s").put("h2c", true))
        .put("files", new JsonObject().put("root", root.toString()))
        .put("uploads", new JsonObject().put("dir", uploads.toString())), () -> List.of(new SendProbe()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** Writes {@code name}, looks it up as the file route does, and hands the probe what was found. */
  private static Path lookUp(String name) throws Exception {
    Path file = root.resolve(name);
    Files.writeString(file, "some text that compresses ".repeat(100));
    SafePath.Found found = SafePath.resolve(root, name);
    assertThat(found).isNotNull();
    LOOKED_UP.put(name, found);
    return file;
  }

  /** A GET with one extra header line, or none when {@code header} is null. */
  private static String get(String path, String header) throws Exception {
    return RawHttp.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\n"
        + (header == null ? "" : header + "\r\n") + "Connection: close\r\n\r\n", false);
  }

  private static void assertQuiet(List<ILoggingEvent> events) {
    assertThat(events).as("no ERROR and no stack trace in the log")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
  }

  private static List<ILoggingEvent> warnings(List<ILoggingEvent> events) {
    return events.stream().filter(e -> e.getLevel() == Level.WARN).toList();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {"data.bin |", "ranged.bin | Range: bytes=10-19",
      "gone.txt | Accept-Encoding: gzip", "plain.txt |"})
  void aFileDeletedAfterItsLookupIs404(String name, String header) throws Exception {
    Files.delete(lookUp(name));
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String answer = get("/probe/send/" + name, header);
      assertThat(answer).startsWith("HTTP/1.1 404").contains("\"error\":\"not_found\"")
          .containsIgnoringCase("content-type: application/json")
          .doesNotContainIgnoringCase("etag:").doesNotContainIgnoringCase("content-encoding:")
          .doesNotContainIgnoringCase("content-range:");
      return null;
    });
    assertQuiet(events);
    assertThat(warnings(events)).as("a vanished file is not the operator's problem").isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {"dir.bin |", "dir.txt | Accept-Encoding: gzip"})
  void aFileThatCannotBeReadAnymoreIs500AndOneWarning(String name, String header) throws Exception {
    Path file = lookUp(name);
    Files.delete(file);
    Files.createDirectory(file); // there is something at the path, but it cannot be sent
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String answer = get("/probe/send/" + name, header);
      assertThat(answer).startsWith("HTTP/1.1 500").contains("\"error\":\"internal_error\"")
          .doesNotContain("Exception").doesNotContain(root.toString());
      return null;
    });
    assertQuiet(events);
    assertThat(warnings(events)).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains(file.toString()));
  }

  @Test
  void anUploadWhoseDataVanishedIs404() throws Exception {
    byte[] body = UploadTest.multipart("kept.bin", new byte[] {1, 2, 3});
    HttpResponse<String> created = server.client().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/uploads"))
        .header("Content-Type", "multipart/form-data; boundary=" + UploadTest.BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);
    String id = new JsonObject(created.body()).getJsonArray("files").getJsonObject(0).getString("id");
    Files.delete(uploads.resolve(id)); // the metadata stays: the lookup succeeds, the send cannot
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String answer = get("/uploads/" + id, null);
      assertThat(answer).startsWith("HTTP/1.1 404").contains("\"error\":\"not_found\"")
          .doesNotContainIgnoringCase("content-disposition:");
      return null;
    });
    assertQuiet(events);
    assertThat(warnings(events)).isEmpty();
  }

  @Test
  void overHttp2TooAVanishedFileIs404AndACutAnswerIsAStreamReset() throws Exception {
    Files.delete(lookUp("h2.txt"));
    Vertx vertx = Vertx.vertx();
    try {
      HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
      List<ILoggingEvent> events = CapturedLog.during(() -> {
        for (String coding : new String[] {"identity", "gzip"}) {
          String answer = h2.request(HttpMethod.GET, "/probe/send/h2.txt").compose(req -> req
              .putHeader("Accept-Encoding", coding).send()
              .compose(r -> r.body().map(b -> r.statusCode() + " " + b)))
              .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
          assertThat(answer).as(coding).startsWith("404 ").contains("\"error\":\"not_found\"");
        }
        CompletableFuture<Buffer> cut = h2.request(HttpMethod.GET, "/probe/after-head")
            .compose(req -> req.send().compose(HttpClientResponse::body)).toCompletionStage().toCompletableFuture();
        assertThat(cut).failsWithin(Duration.ofSeconds(2)).withThrowableThat()
            .withCauseInstanceOf(StreamResetException.class);
        return null;
      });
      assertQuiet(events);
      assertThat(warnings(events)).isEmpty();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aFailureAfterTheHeadWasSentCutsTheConnection() throws Exception {
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      long start = System.nanoTime();
      String answer = get("/probe/after-head", null);
      assertThat(answer).startsWith("HTTP/1.1 200").contains("partial").doesNotEndWith("0\r\n\r\n");
      assertThat(System.nanoTime() - start).as("closed at once, not by a timeout").isLessThan(2_000_000_000L);
      return null;
    });
    assertQuiet(events);
  }
}
