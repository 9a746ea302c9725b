package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Uploads streamed to disk over real HTTP: checksums, limits, aborted and concurrent uploads, no leftovers. */
class UploadTest {

  static final String BOUNDARY = "bulwarkBoundary7MA4YWxk";
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static TestServer server;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("bulwark-uploads");
    server = TestServer.start(new JsonObject().put("uploads", new JsonObject().put("dir", dir.toString())
        .put("maxFileSize", "1MiB").put("maxRequestSize", "3MiB").put("maxFiles", 3)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static byte[] multipart(String name, byte[]... files) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < files.length; i++) {
      out.write(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"f" + i + "\"; filename=\"" + name
          + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(files[i]);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.write(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  private static HttpRequest upload(byte[] body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/uploads"))
        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  private static byte[] random(int size, int seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void storesUnderAGeneratedNameWithItsChecksumAndStreamsItBack() throws Exception {
    byte[] data = random(300_000, 1);
    HttpResponse<String> r = CLIENT.send(upload(multipart("../../évil name.sh", data)),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(201);
    JsonObject file = new JsonObject(r.body()).getJsonArray("files").getJsonObject(0);
    assertThat(file.getString("sha256")).isEqualTo(sha256(data));
    assertThat(file.getLong("size")).isEqualTo(300_000);
    assertThat(file.getString("name")).as("metadata only, never a path").isEqualTo("évil name.sh");
    assertThat(Files.exists(dir.resolve(file.getString("id")))).isTrue();
    HttpResponse<byte[]> back = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/uploads/" + file.getString("id"))).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(back.body()).isEqualTo(data);
    assertThat(back.headers().firstValue("content-disposition").orElseThrow())
        .isEqualTo("attachment; filename=\"_vil name.sh\"; filename*=UTF-8''%C3%A9vil%20name.sh");
    HttpResponse<String> deleted = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/uploads/" + file.getString("id"))).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(deleted.statusCode()).isEqualTo(204);
    assertThat(Files.exists(dir.resolve(file.getString("id")))).isFalse();
  }

  @Test
  void anUploadOverTheLimitGets413AndLeavesNoFile() throws Exception {
    HttpResponse<String> r = CLIENT.send(upload(multipart("big.bin", random(1_200_000, 2))),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("file_too_large");
    awaitNoFiles();
    String declared = RawHttp.exchange(server.port(), "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: "
        + "multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: 5000000\r\n\r\n", false);
    assertThat(declared).startsWith("HTTP/1.1 413").contains("request_too_large");
    HttpResponse<String> many = CLIENT.send(upload(multipart("x", new byte[1], new byte[1], new byte[1], new byte[1])),
        HttpResponse.BodyHandlers.ofString());
    assertThat(many.statusCode()).isEqualTo(413);
    awaitNoFiles();
  }

  @Test
  void anUploadAbortedMidwayLeavesNoFile() throws Exception {
    byte[] body = multipart("partial.bin", random(900_000, 3));
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", server.port()));
      OutputStream out = socket.getOutputStream();
      out.write(("POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=" + BOUNDARY
          + "\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(body, 0, body.length / 2);
      out.flush();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (storedFilesWithoutMetadata() == 0 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(storedFilesWithoutMetadata()).as("the partial file exists while streaming").isPositive();
    }
    awaitNoFiles();
  }

  @Test
  void twoConcurrentUploadsBothSucceed() throws Exception {
    byte[] a = random(500_000, 4);
    byte[] b = random(700_000, 5);
    CompletableFuture<HttpResponse<String>> first = CLIENT.sendAsync(upload(multipart("a", a)),
        HttpResponse.BodyHandlers.ofString());
    CompletableFuture<HttpResponse<String>> second = CLIENT.sendAsync(upload(multipart("b", b)),
        HttpResponse.BodyHandlers.ofString());
    assertThat(new JsonObject(first.get().body()).getJsonArray("files").getJsonObject(0).getString("sha256"))
        .isEqualTo(sha256(a));
    assertThat(new JsonObject(second.get().body()).getJsonArray("files").getJsonObject(0).getString("sha256"))
        .isEqualTo(sha256(b));
  }

  @Test
  void refuses507WhenFreeDiskWouldFallBelowTheMinimum() throws Exception {
    Path full = Files.createTempDirectory("bulwark-full");
    try (TestServer small = TestServer.start(new JsonObject().put("uploads", new JsonObject()
        .put("dir", full.toString()).put("minFreeDisk", "1024TiB")))) {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + small.port()
              + "/uploads")).header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
          .POST(HttpRequest.BodyPublishers.ofByteArray(multipart("a", new byte[10]))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(507);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("insufficient_storage");
      try (Stream<Path> files = Files.list(full)) {
        assertThat(files).isEmpty();
      }
    }
  }

  @Test
  void aSlowUploadThatKeepsArrivingOutlivesTheRequestTimeout() throws Exception {
    Path slowDir = Files.createTempDirectory("bulwark-slow");
    try (TestServer slow = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("requestTimeout", "300ms"))
        .put("uploads", new JsonObject().put("dir", slowDir.toString())))) {
      byte[] data = random(200_000, 6);
      byte[] body = multipart("slow.bin", data);
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", slow.port()));
        OutputStream out = socket.getOutputStream();
        out.write(("POST /uploads HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; "
            + "boundary=" + BOUNDARY + "\r\nContent-Length: " + body.length + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        int step = body.length / 10;
        for (int off = 0; off < body.length; off += step) {
          out.write(body, off, Math.min(step, body.length - off));
          out.flush();
          Thread.sleep(120); // ten pieces over ~1.2 s: four times the request timeout
        }
        String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(answer).startsWith("HTTP/1.1 201").contains(sha256(data));
      }
    }
  }

  @Test
  void notMultipartIsABadRequest() throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/uploads")).POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("not_multipart");
    assertThat(CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
        + "/uploads/../../etc/passwd")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
  }

  private static void awaitNoFiles() throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (storedFilesWithoutMetadata() == 0) {
        return;
      }
      Thread.onSpinWait();
    }
    try (Stream<Path> files = Files.list(dir)) {
      throw new AssertionError("files left behind: " + files.toList());
    }
  }

  private static long storedFilesWithoutMetadata() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> !p.getFileName().toString().endsWith(".json"))
          .filter(p -> !Files.exists(dir.resolve(p.getFileName() + ".json"))).count();
    }
  }
}
