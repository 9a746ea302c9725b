package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Files and JSON streaming over real HTTP: ranges, conditionals, gzip, traversal, back-pressure. */
class StreamingTest {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestServer server;
  private static Path root;
  private static byte[] binary;
  private static final AtomicLong slowStreamWritten = new AtomicLong();

  /** A user route streaming the same way, reporting how many bytes the server has handed to the connection. */
  private static final class SlowProbe implements RouteModule {
    @Override
    public void mount(io.vertx.ext.web.Router router, Context context) {
      router.get("/probe-stream").handler(ctx -> {
        long timer = context.vertx().setPeriodic(20, id -> slowStreamWritten.set(ctx.response().bytesWritten()));
        dev.bulwark.scope.RequestScope.of(ctx).register(() -> context.vertx().cancelTimer(timer));
        JsonStream.write(ctx, IntStream.range(0, 10_000_000).iterator(),
            i -> "{\"id\":" + i + ",\"pad\":\"0123456789012345678901234567890123456789\"}", false);
      });
    }
  }

  @BeforeAll
  static void start() throws Exception {
    root = Files.createTempDirectory("bulwark-files");
    Files.writeString(root.resolve("hello.txt"), "hello files ".repeat(200));
    binary = new byte[100_000];
    new Random(7).nextBytes(binary);
    Files.write(root.resolve("data.bin"), binary);
    try (java.io.RandomAccessFile big = new java.io.RandomAccessFile(root.resolve("big.bin").toFile(), "rw")) {
      big.setLength(64 << 20); // sparse: far more than the socket buffers hold, without writing it
    }
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/inner.json"), "{\"a\":1}");
    Path outside = Files.createTempFile("bulwark-outside", ".txt");
    Files.writeString(outside, "secret");
    Files.createSymbolicLink(root.resolve("escape.txt"), outside);
    server = TestServer.start(new JsonObject()
        .put("files", new JsonObject().put("root", root.toString()))
        .put("data", new JsonObject().put("maxCount", 10_000_000)),
        () -> List.of(new SlowProbe()));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void servesAWholeFileWithValidators() throws Exception {
    HttpResponse<byte[]> r = get("/files/data.bin");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(binary);
    assertThat(r.headers().firstValue("etag")).isPresent();
    assertThat(r.headers().firstValue("last-modified")).isPresent();
    assertThat(r.headers().firstValue("accept-ranges")).hasValue("bytes");
    assertThat(get("/files/sub/inner.json").headers().firstValue("content-type")).hasValue("application/json");
  }

  @Test
  void answersRangesAndRefusesUnsatisfiableOnes() throws Exception {
    HttpResponse<byte[]> r = get("/files/data.bin", "Range", "bytes=10-19");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("content-range")).hasValue("bytes 10-19/100000");
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(binary, 10, 20));
    HttpResponse<byte[]> suffix = get("/files/data.bin", "Range", "bytes=-5");
    assertThat(suffix.body()).isEqualTo(java.util.Arrays.copyOfRange(binary, 99_995, 100_000));
    HttpResponse<byte[]> bad = get("/files/data.bin", "Range", "bytes=200000-");
    assertThat(bad.statusCode()).isEqualTo(416);
    assertThat(bad.headers().firstValue("content-range")).hasValue("bytes */100000");
    assertThat(new JsonObject(new String(bad.body(), StandardCharsets.UTF_8)).getString("error"))
        .isEqualTo("range_not_satisfiable");
  }

  @Test
  void answers304ToMatchingValidators() throws Exception {
    String etag = get("/files/data.bin").headers().firstValue("etag").orElseThrow();
    assertThat(get("/files/data.bin", "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(get("/files/data.bin", "If-None-Match", "\"other\"").statusCode()).isEqualTo(200);
    assertThat(get("/files/data.bin", "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT").statusCode())
        .isEqualTo(304);
  }

  @Test
  void headSaysTheLengthWithoutABody() throws Exception {
    HttpResponse<byte[]> r = CLIENT.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + "/files/data.bin")).method("HEAD",
        HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-length")).hasValue("100000");
    assertThat(r.body()).isEmpty();
  }

  @Test
  void gzipsTextForClientsThatAcceptIt() throws Exception {
    HttpResponse<byte[]> r = get("/files/hello.txt", "Accept-Encoding", "gzip");
    assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(r.body()))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello files ".repeat(200));
    }
    assertThat(r.body().length).isLessThan(2400);
    assertThat(get("/files/hello.txt").headers().firstValue("content-encoding")).isEmpty();
    assertThat(get("/files/data.bin", "Accept-Encoding", "gzip").headers().firstValue("content-encoding")).isEmpty();
  }

  @Test
  void nothingOutsideTheRootIsEverServed() throws Exception {
    for (String path : new String[] {"/files/../pom.xml", "/files/%2e%2e/pom.xml", "/files/%252e%252e/pom.xml",
        "/files/..%5c..%5cetc%5cpasswd", "/files/sub/..%2f..%2fpom.xml", "/files/a%00b", "/files//etc/passwd",
        "/files/escape.txt", "/files/sub", "/files/", "/files/nope.txt", "/files/C:%5cwindows"}) {
      String answer = RawHttp.exchange(server.port(),
          "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
      assertThat(answer).as(path).startsWith("HTTP/1.1 404").doesNotContain("secret");
    }
  }

  @Test
  void streamsAJsonArrayOrNdjsonOfTheRightCount() throws Exception {
    JsonArray items = new JsonArray(new String(get("/data/items?count=1000").body(), StandardCharsets.UTF_8));
    assertThat(items).hasSize(1000);
    assertThat(items.getJsonObject(999).getInteger("id")).isEqualTo(999);
    assertThat(new String(get("/data/items").body(), StandardCharsets.UTF_8)).isEqualTo("[]");
    String ndjson = new String(get("/data/items?count=500&format=ndjson").body(), StandardCharsets.UTF_8);
    assertThat(ndjson.split("\n")).hasSize(500).allSatisfy(line -> assertThat(new JsonObject(line)).isNotNull());
    assertThat(get("/data/items?count=3", "Accept", "application/x-ndjson").headers().firstValue("content-type"))
        .hasValue("application/x-ndjson");
    HttpResponse<byte[]> tooMany = get("/data/items?count=10000001");
    assertThat(tooMany.statusCode()).isEqualTo(400);
    assertThat(new String(tooMany.body(), StandardCharsets.UTF_8)).contains("bad_count");
  }

  @Test
  void aDownloadCutMidwayEndsItsRequestAndLogsNoError() throws Exception {
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      try (Socket socket = RawHttp.get(server.port(), "/files/big.bin")) {
        assertThat(socket.getInputStream().readNBytes(64 << 10)).hasSize(64 << 10);
        socket.setSoLinger(true, 0); // closed with a reset: the client is gone mid-download
      }
      // Vert.x reports no end of a zero-copy send cut midway: the request held its admission slot for good.
      return server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
    });
    assertThat(events).noneMatch(e -> e.getLevel() == Level.ERROR || e.getThrowableProxy() != null);
    assertThat(get("/files/data.bin").body()).isEqualTo(binary);
  }

  @Test
  void aSlowReaderKeepsTheServersBufferedBytesBounded() throws Exception {
    long read = 0;
    try (Socket socket = new Socket()) {
      socket.setReceiveBufferSize(16 << 10);
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      socket.getOutputStream().write("GET /probe-stream HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (System.nanoTime() < deadline) {
        int n = in.read(buf);
        if (n < 0) {
          break;
        }
        read += n;
        Thread.sleep(40); // reads ~100 KiB/s: a slow client
      }
      long written = slowStreamWritten.get();
      // Without back-pressure the server would have produced ~600 MB by now; with it, what is written is what was
      // read plus socket buffers and one write queue.
      assertThat(written - read).as("bytes the server holds for this client").isLessThan(8L << 20);
      assertThat(written).isLessThan(16L << 20);
    }
  }
}
