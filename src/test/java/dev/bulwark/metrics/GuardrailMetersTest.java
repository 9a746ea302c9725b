package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.PrometheusText;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.DoublePredicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The guardrails' own meters in a real scrape: uploads by outcome, refused and evicted sessions, streamed responses
 * by kind (bytes, back-pressure pauses, streams the client cut), each moved by real requests over loopback.
 */
class GuardrailMetersTest {

  private static final String BOUNDARY = "metersBoundary42";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final int BIG_FILE = 64 << 20;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createTempDirectory("bulwark-meters-files");
    Files.writeString(root.resolve("small.txt"), "x".repeat(5000));
    try (RandomAccessFile big = new RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
      big.setLength(BIG_FILE); // sparse: a body far larger than the socket buffers, without writing it
    }
    server = TestServer.start(new JsonObject()
        .put("files", new JsonObject().put("root", root.toString()))
        .put("data", new JsonObject().put("maxCount", 10_000_000))
        .put("uploads", new JsonObject().put("dir", Files.createTempDirectory("bulwark-meters-up").toString())
            .put("maxFileSize", "1MiB").put("maxRequestSize", "3MiB"))
        .put("sessions", new JsonObject().put("maxValueSize", "1KiB").put("maxKeys", 2).put("maxSessions", 4)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void uploadsAreCountedByOutcomeWithTheBytesStored() throws Exception {
    String before = scrape();
    HttpResponse<String> stored = upload(multipart(random(300_000)), "multipart/form-data; boundary=" + BOUNDARY);
    assertThat(stored.statusCode()).isEqualTo(201);
    assertThat(upload(multipart(random(1_200_000)), "multipart/form-data; boundary=" + BOUNDARY).statusCode())
        .isEqualTo(413);
    assertThat(upload(new byte[10], "text/plain").statusCode()).isEqualTo(400);
    String after = awaitScrape("bulwark_uploads_in_progress", v -> v == 0);
    assertThat(delta(before, after, "bulwark_uploads_total{outcome=\"stored\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_uploads_total{outcome=\"too_large\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_uploads_total{outcome=\"bad_request\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_upload_bytes_total")).isEqualTo(300_000);

    String id = new JsonObject(stored.body()).getJsonArray("files").getJsonObject(0).getString("id");
    assertThat(CLIENT.send(HttpRequest.newBuilder(uri("/uploads/" + id)).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body()).hasSize(300_000);
    String read = scrape();
    assertThat(delta(after, read, "bulwark_stream_responses_total{kind=\"upload\"}")).isEqualTo(1);
    assertThat(delta(after, read, "bulwark_stream_bytes_total{kind=\"upload\"}")).isEqualTo(300_000);
  }

  @Test
  void anUploadCutByTheClientIsCountedAborted() throws Exception {
    String before = scrape();
    byte[] body = multipart(random(900_000));
    try (Socket socket = RawHttp.connect(server.port())) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      awaitScrape("bulwark_uploads_in_progress", v -> v == 1);
    }
    String after = awaitScrape("bulwark_uploads_in_progress", v -> v == 0);
    assertThat(delta(before, after, "bulwark_uploads_total{outcome=\"aborted\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_upload_bytes_total")).isZero();
  }

  @Test
  void refusedAndEvictedSessionsAreCounted() throws Exception {
    String before = scrape();
    String cookie = newSession();
    assertThat(put(cookie, "big", new byte[2000]).statusCode()).isEqualTo(413);
    assertThat(put(cookie, "a", new byte[10]).statusCode()).isEqualTo(204);
    assertThat(put(cookie, "b", new byte[10]).statusCode()).isEqualTo(204);
    assertThat(put(cookie, "c", new byte[10]).statusCode()).isEqualTo(413);
    for (int i = 0; i < 20; i++) {
      newSession(); // past sessions.maxSessions (4): the store evicts
    }
    String after = awaitScrape("bulwark_session_evictions_total{reason=\"size\"}",
        v -> v >= value(before, "bulwark_session_evictions_total{reason=\"size\"}") + 16);
    assertThat(delta(before, after, "bulwark_session_refusals_total{reason=\"value_too_large\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_session_refusals_total{reason=\"too_many_keys\"}")).isEqualTo(1);
    assertThat(value(after, "bulwark_sessions{store=\"local\"}")).isBetween(1.0, 4.0);
    assertThat(value(after, "bulwark_session_evictions_total{reason=\"expired\"}")).isZero();
  }

  @Test
  void streamsAreCountedByKindWithTheirBytes() throws Exception {
    String before = scrape();
    HttpResponse<String> json = get("/data/items?count=1000");
    HttpResponse<String> ndjson = get("/data/items?count=1000&format=ndjson");
    HttpResponse<String> file = get("/files/small.txt");
    assertThat(file.statusCode()).isEqualTo(200);
    String after = scrape();
    for (String kind : new String[] {"json", "ndjson", "file"}) {
      assertThat(delta(before, after, "bulwark_stream_responses_total{kind=\"" + kind + "\"}")).as(kind).isEqualTo(1);
      assertThat(delta(before, after, "bulwark_stream_aborted_total{kind=\"" + kind + "\"}")).as(kind).isZero();
    }
    assertThat(delta(before, after, "bulwark_stream_bytes_total{kind=\"json\"}")).isEqualTo(json.body().length());
    assertThat(delta(before, after, "bulwark_stream_bytes_total{kind=\"ndjson\"}")).isEqualTo(ndjson.body().length());
    assertThat(delta(before, after, "bulwark_stream_bytes_total{kind=\"file\"}")).isEqualTo(5000);
    assertThat(PrometheusText.validate(after)).isPositive();
  }

  @Test
  void aJsonStreamCutByTheClientIsCountedAbortedAfterWaitingForDrains() throws Exception {
    String before = scrape();
    cutMidStream("/data/items?count=10000000");
    String after = awaitScrape("bulwark_stream_aborted_total{kind=\"json\"}",
        v -> v == value(before, "bulwark_stream_aborted_total{kind=\"json\"}") + 1);
    assertThat(delta(before, after, "bulwark_stream_responses_total{kind=\"json\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_stream_backpressure_pauses_total{kind=\"json\"}")).isPositive();
    assertThat(delta(before, after, "bulwark_stream_bytes_total{kind=\"json\"}")).as("a cut stream adds no bytes")
        .isZero();
  }

  @Test
  void aFileSendCutByTheClientIsCountedAbortedAndEndsItsRequest() throws Exception {
    String before = scrape();
    cutMidStream("/files/big.bin");
    // Vert.x reports no end of a zero-copy send cut midway: without FileSender's word the request stayed in flight.
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
    String after = awaitScrape("bulwark_stream_aborted_total{kind=\"file\"}",
        v -> v == value(before, "bulwark_stream_aborted_total{kind=\"file\"}") + 1);
    assertThat(delta(before, after, "bulwark_stream_responses_total{kind=\"file\"}")).isEqualTo(1);
    assertThat(delta(before, after, "bulwark_stream_bytes_total{kind=\"file\"}")).isZero();
  }

  /** Asks for {@code path}, reads the head and a little of the body, stops reading a while, then hangs up. */
  private static void cutMidStream(String path) throws Exception {
    try (Socket socket = RawHttp.get(server.port(), path)) {
      socket.setReceiveBufferSize(16 << 10);
      InputStream in = socket.getInputStream();
      byte[] some = new byte[64 << 10];
      int read = 0;
      while (read < some.length) {
        int n = in.read(some, read, some.length - read);
        assertThat(n).as("the stream ended early").isPositive();
        read += n;
      }
      assertThat(new String(some, 0, 12, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      socket.setSoLinger(true, 0); // a reset: the client is gone mid-stream, whatever is still queued
    }
  }

  private static String newSession() throws Exception {
    HttpResponse<String> r = get("/session");
    assertThat(r.statusCode()).isEqualTo(200);
    return r.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
  }

  private static HttpResponse<String> put(String cookie, String key, byte[] value) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri("/session/data/" + key)).header("Cookie", cookie)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(value)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> upload(byte[] body, String contentType) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri("/uploads")).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  private static byte[] multipart(byte[] file) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f\"; filename=\"f.bin\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(file);
    out.write(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static String scrape() throws Exception {
    return server.get("/metrics").body();
  }

  /** Scrapes until {@code series} satisfies {@code check}: meters of a request settle just after its answer. */
  private static String awaitScrape(String series, DoublePredicate check) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    String scrape = scrape();
    while (!check.test(value(scrape, series))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(series + " never reached the expected value; last: " + value(scrape, series));
      }
      Thread.onSpinWait();
      scrape = scrape();
    }
    return scrape;
  }

  private static double delta(String before, String after, String series) {
    return value(after, series) - value(before, series);
  }

  /** The value of one series (name and labels exactly as scraped); absent: fails. */
  private static double value(String scrape, String series) {
    return scrape.lines().filter(l -> l.startsWith(series + " ")).findFirst()
        .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim()))
        .orElseThrow(() -> new AssertionError("no series " + series));
  }
}
