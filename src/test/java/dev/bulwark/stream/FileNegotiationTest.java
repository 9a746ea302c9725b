package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a file answer is chosen by, over real HTTP: Accept-Encoding parsed as RFC 9110 12.5.3 says (tokens, q-values,
 * {@code *}), one ETag per variant with {@code Vary: Accept-Encoding}, and Range headers per RFC 9110 14: an invalid
 * one is ignored (200, whole file), a valid one that cannot be satisfied is 416.
 */
class FileNegotiationTest {

  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final String TEXT = "hello files ".repeat(200);
  private static TestServer server;
  private static byte[] binary;

  @BeforeAll
  static void start() throws Exception {
    Path root = Files.createTempDirectory("bulwark-negotiation");
    Files.writeString(root.resolve("hello.txt"), TEXT);
    binary = new byte[100_000];
    new Random(11).nextBytes(binary);
    Files.write(root.resolve("data.bin"), binary);
    // Every scoped resource's site is recorded, so one the scope had to release shows in the status.
    server = TestServer.start(new JsonObject().put("files", new JsonObject().put("root", root.toString()))
        .put("scope", new JsonObject().put("trackSites", "all")));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<byte[]> send(String method, String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return send("GET", path, headers);
  }

  private static String etag(HttpResponse<?> r) {
    return r.headers().firstValue("etag").orElseThrow();
  }

  private static String gunzip(byte[] body) throws Exception {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void gzipAndIdentityEachHaveTheirOwnETagAndBothVary() throws Exception {
    HttpResponse<byte[]> plain = get("/files/hello.txt");
    HttpResponse<byte[]> gzip = get("/files/hello.txt", "Accept-Encoding", "gzip");
    assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gunzip(gzip.body())).isEqualTo(TEXT);
    assertThat(etag(gzip)).isNotEqualTo(etag(plain))
        .isEqualTo(etag(plain).substring(0, etag(plain).length() - 1) + "-gzip\"");
    assertThat(plain.headers().allValues("vary")).containsExactly("Accept-Encoding");
    assertThat(gzip.headers().allValues("vary")).containsExactly("Accept-Encoding");
    HttpResponse<byte[]> head = send("HEAD", "/files/hello.txt", "Accept-Encoding", "gzip");
    assertThat(etag(head)).isEqualTo(etag(gzip));
    assertThat(get("/files/data.bin").headers().firstValue("vary")).as("a type never compressed").isEmpty();
  }

  @Test
  void theGzipPathReleasesItsFileAndDeflaterItself() throws Exception {
    assertThat(gunzip(get("/files/hello.txt", "Accept-Encoding", "gzip").body())).isEqualTo(TEXT);
    // Left to the request scope, they would count as released by it: the mark of a handler that leaks without one.
    assertThat(server.status().getJsonObject("scopes").getJsonArray("sites")).isEmpty();
  }

  @Test
  void aValidatorMatchesOnlyItsOwnVariant() throws Exception {
    String plainTag = etag(get("/files/hello.txt"));
    String gzipTag = etag(get("/files/hello.txt", "Accept-Encoding", "gzip"));
    HttpResponse<byte[]> notModified = get("/files/hello.txt", "Accept-Encoding", "gzip", "If-None-Match", gzipTag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(etag(notModified)).isEqualTo(gzipTag);
    assertThat(notModified.headers().allValues("vary")).containsExactly("Accept-Encoding");
    assertThat(get("/files/hello.txt", "Accept-Encoding", "gzip", "If-None-Match", "W/" + gzipTag).statusCode())
        .isEqualTo(304);
    HttpResponse<byte[]> otherVariant = get("/files/hello.txt", "Accept-Encoding", "gzip", "If-None-Match", plainTag);
    assertThat(otherVariant.statusCode()).isEqualTo(200);
    assertThat(gunzip(otherVariant.body())).isEqualTo(TEXT);
    assertThat(get("/files/hello.txt", "If-None-Match", gzipTag).statusCode()).isEqualTo(200);
    assertThat(get("/files/hello.txt", "If-None-Match", plainTag).statusCode()).isEqualTo(304);
  }

  @ParameterizedTest(name = "Accept-Encoding: {0}")
  @ValueSource(strings = {"gzip;q=0", "gzip; q=0", "gzip ;q=0", "gzip;Q=0.000", "GZIP;q=0", "nogzip", "xgzip",
      "gzip2", "deflate", "identity", "*;q=0", "deflate, gzip;q=0, *;q=1", "gzip;q=0, *", "gzip;q=", "gzip;q=1.5",
      "gzip;q=0.0001", "gzip;q=abc", "gzip;level=1", "br, deflate", ""})
  void codingsThatDoNotAllowGzipGetIdentity(String accept) throws Exception {
    HttpResponse<byte[]> r = get("/files/hello.txt", "Accept-Encoding", accept);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-encoding")).isEmpty();
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
  }

  @ParameterizedTest(name = "Accept-Encoding: {0}")
  @ValueSource(strings = {"gzip", "GZIP", "gzip;q=1", "gzip;q=1.000", "gzip;q=0.001", "gzip;Q=0.5",
      "deflate, gzip;q=0.5", "br;q=1.0, gzip ; q=0.8", "*", "*;q=0.1", "x-gzip", "identity;q=0, gzip",
      " gzip ", "deflate,,gzip"})
  void codingsThatAllowGzipGetIt(String accept) throws Exception {
    HttpResponse<byte[]> r = get("/files/hello.txt", "Accept-Encoding", accept);
    assertThat(r.headers().firstValue("content-encoding")).hasValue("gzip");
    assertThat(gunzip(r.body())).isEqualTo(TEXT);
  }

  @ParameterizedTest(name = "Range: {0}")
  @ValueSource(strings = {"bytes=--5", "bytes=0--5", "bytes=5-3", "bytes=+1-+2", "bytes=+1-", "bytes=1-+2",
      "bytes=-+5", "bytes=a-b", "bytes=1-2-3", "bytes=-", "bytes=", "bytes", "bytes=0x10-0x20", "bytes=1.5-2",
      "bytes=1 - 2", "items=0-5", "bytes 0-5", "=0-5"})
  void anInvalidRangeIsIgnored(String range) throws Exception {
    HttpResponse<byte[]> r = get("/files/data.bin", "Range", range);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-range")).isEmpty();
    assertThat(r.body()).isEqualTo(binary);
  }

  @ParameterizedTest(name = "Range: {0}")
  @ValueSource(strings = {"bytes=100000-", "bytes=200000-300000", "bytes=-0", "bytes=99999999999999999999-"})
  void aValidRangeOutsideTheFileIs416(String range) throws Exception {
    HttpResponse<byte[]> r = get("/files/data.bin", "Range", range);
    assertThat(r.statusCode()).isEqualTo(416);
    assertThat(r.headers().firstValue("content-range")).hasValue("bytes */100000");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"error\":\"range_not_satisfiable\"");
  }

  @ParameterizedTest(name = "Range: {0}")
  @CsvSource({"bytes=10-19, 10, 19", "BYTES=10-19, 10, 19", "bytes=0-0, 0, 0", "bytes=99990-200000, 99990, 99999",
      "bytes=-5, 99995, 99999", "bytes=-200000, 0, 99999", "bytes=99999-, 99999, 99999",
      "bytes=5-99999999999999999999, 5, 99999", "bytes=007-9, 7, 9"})
  void aSatisfiableRangeIs206(String range, int first, int last) throws Exception {
    HttpResponse<byte[]> r = get("/files/data.bin", "Range", range);
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("content-range")).hasValue("bytes " + first + "-" + last + "/100000");
    assertThat(r.body()).isEqualTo(Arrays.copyOfRange(binary, first, last + 1));
  }

  @Test
  void aRangeIsServedUncompressedAndAnIgnoredOneLeavesGzipOn() throws Exception {
    String plainTag = etag(get("/files/hello.txt"));
    HttpResponse<byte[]> ranged = get("/files/hello.txt", "Range", "bytes=0-4", "Accept-Encoding", "gzip");
    assertThat(ranged.statusCode()).isEqualTo(206);
    assertThat(ranged.headers().firstValue("content-encoding")).isEmpty();
    assertThat(etag(ranged)).isEqualTo(plainTag);
    assertThat(new String(ranged.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    HttpResponse<byte[]> ignored = get("/files/hello.txt", "Range", "bytes=4-0", "Accept-Encoding", "gzip");
    assertThat(ignored.statusCode()).isEqualTo(200);
    assertThat(gunzip(ignored.body())).isEqualTo(TEXT);
  }
}
