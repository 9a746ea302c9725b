package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.JarProcess;
import dev.bulwark.testing.RedisProcess;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fat jar leaves out what nothing in it uses, because the JDK keeps a jar's whole central directory on the heap
 * while it is open (see the shade filters in pom.xml): those parts stay out, what Vert.x and modules do load stays in,
 * and the real jar in a child JVM still serves Redis sessions, cleartext HTTP/2, gzip and a scrape asked for protobuf.
 */
class SlimJarIT {

  private static final String PROTOBUF =
      "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";
  private static final Duration REQUEST_WAIT = Duration.ofSeconds(10);
  private static final String PAGE = "compressible ".repeat(400);

  @TempDir
  static Path dir;
  private static RedisProcess redis;
  /** Sessions and a cache tier in Redis, cleartext HTTP/2 on. */
  private static JarProcess withRedis;
  /** Sessions and caches in Caffeine only. */
  private static JarProcess local;
  private static String redisBase;
  private static String localBase;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisProcess.start();
    Path root = Files.createDirectories(dir.resolve("public"));
    Files.writeString(root.resolve("page.txt"), PAGE);
    withRedis = JarProcess.start(Files.createDirectories(dir.resolve("redis")), config()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("h2c", true))
        .put("redis", new JsonObject().put("url", redis.url()))
        .put("caches", new JsonObject().put("shared", new JsonObject().put("redis", true))));
    local = JarProcess.start(Files.createDirectories(dir.resolve("local")), config()
        .put("files", new JsonObject().put("root", root.toString())));
    redisBase = "http://127.0.0.1:" + JarProcess.port(JarProcess.HTTP_PORT, withRedis.awaitStarted());
    localBase = "http://127.0.0.1:" + JarProcess.port(JarProcess.HTTP_PORT, local.awaitStarted());
  }

  private static JsonObject config() {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("admin", new JsonObject().put("port", 0).put("token", "slim-jar-it-0123456789abcdef"))
        // The child JVM tracks every buffer as the tests do: a leak would be an ERROR line in its log.
        .put("leaks", new JsonObject().put("nettyLevel", "PARANOID"));
  }

  @AfterAll
  static void stop() throws Exception {
    for (JarProcess server : new JarProcess[] {withRedis, local}) {
      if (server != null) {
        server.close();
        assertThat(server.out()).doesNotContain(" ERROR ").doesNotContain("\tat ");
      }
    }
    if (redis != null) {
      redis.close();
    }
  }

  @Test
  void theJarLeavesOutPartsNothingInItUses() throws IOException {
    Set<String> names = entryNames();
    List<String> leftOut = List.of(
        "io/prometheus/metrics/shaded/", "io/prometheus/metrics/expositionformats/internal/",
        "io/netty/handler/codec/socks/", "io/netty/handler/codec/socksx/", "io/netty/handler/codec/spdy/",
        "io/netty/handler/codec/rtsp/", "io/netty/handler/pcap/", "io/netty/handler/codec/serialization/",
        "io/netty/channel/oio/", "io/netty/channel/local/", "io/netty/channel/pool/",
        "io/netty/handler/codec/compression/Bzip2", "io/netty/handler/codec/compression/Lz4",
        "io/micrometer/core/instrument/binder/jetty/", "io/micrometer/core/instrument/binder/grpc/",
        "io/micrometer/core/aop/", "org/LatencyUtils/", "org/jspecify/", "com/google/errorprone/",
        "ch/qos/logback/core/testUtil/", "META-INF/maven/", "META-INF/native-image/");
    // Caffeine's classes for weak keys (nodes F*, caches W*) and weak or soft values (nodes PW*, PD*, caches SI*).
    Pattern weakOrSoft = Pattern.compile(
        "com/github/benmanes/caffeine/cache/(F[SWD]|P[WD]|W[SI]|SI)[A-Za-z]*(\\$.*)?\\.class");
    for (String prefix : leftOut) {
      assertThat(names).as("entries under " + prefix).noneMatch(n -> n.startsWith(prefix));
    }
    assertThat(names).as("Caffeine's weak and soft caches").noneMatch(n -> weakOrSoft.matcher(n).matches());
    assertThat(names).as("entries in the jar's central directory (each one sits on the heap)").hasSizeLessThan(7000);
  }

  @Test
  void theJarKeepsWhatVertxAndModulesLoad() throws IOException {
    assertThat(entryNames()).contains(
        // Verifying Vert.x's ChannelProvider, which every client connection (Redis) goes through, loads these.
        "io/netty/handler/proxy/ProxyHandler.class", "io/netty/handler/proxy/Socks5ProxyHandler.class",
        // The writers the scrape uses, and the stub that finds the protobuf one missing.
        "io/prometheus/metrics/expositionformats/PrometheusTextFormatWriter.class",
        "io/prometheus/metrics/expositionformats/PrometheusProtobufWriter.class",
        // A module's timer with client-side percentiles.
        "org/HdrHistogram/DoubleRecorder.class",
        // The encodings HTTP content codecs refer to.
        "io/netty/handler/codec/compression/JdkZlibEncoder.class",
        "io/netty/handler/codec/compression/BrotliEncoder.class",
        "io/netty/handler/codec/compression/ZstdEncoder.class",
        "io/netty/handler/codec/compression/SnappyFrameEncoder.class",
        // Caffeine's strong-key, strong-value caches: a named cache (weighed, stats, expiry after write) and the
        // local session store (weighed, stats, listener, expiry after access), with their nodes.
        "com/github/benmanes/caffeine/cache/SSSMWW.class", "com/github/benmanes/caffeine/cache/PSWMW.class",
        "com/github/benmanes/caffeine/cache/SSLSMWA.class", "com/github/benmanes/caffeine/cache/PSAMW.class",
        "io/micrometer/core/instrument/binder/cache/CaffeineCacheMetrics.class",
        "io/micrometer/core/instrument/binder/logging/LogbackMetrics.class",
        "META-INF/services/io.vertx.core.spi.VertxServiceProvider", "META-INF/LICENSE");
  }

  @Test
  void aScrapeAskingForProtobufStillAnswersTheTextFormat() throws Exception {
    Reply scrape = send(HttpClient.Version.HTTP_1_1,
        HttpRequest.newBuilder(URI.create(redisBase + "/metrics")).header("Accept", PROTOBUF), BodyKind.TEXT);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
        "text/plain; version=0.0.4"));
    assertThat(scrape.body()).contains("# TYPE http_server_requests_seconds histogram");
  }

  @Test
  void namedCachesKeepValuesLocallyAndInRedis() throws Exception {
    assertThat(putThenGet(localBase + "/cache/default/k")).isEqualTo("v");
    assertThat(putThenGet(redisBase + "/cache/shared/k")).isEqualTo("v");
  }

  @Test
  void sessionsAreKeptLocally() throws Exception {
    assertThat(visitsTwice(localBase)).isEqualTo(2);
  }

  @Test
  void sessionsAreKeptInRedis() throws Exception {
    assertThat(visitsTwice(redisBase)).isEqualTo(2);
    assertThat(redis.command("DBSIZE")).as("keys in Redis").isNotEqualTo(":0");
  }

  /** Stores {@code v} at {@code url} and reads it back. */
  private static String putThenGet(String url) throws Exception {
    Reply put = send(HttpClient.Version.HTTP_1_1,
        HttpRequest.newBuilder(URI.create(url)).PUT(HttpRequest.BodyPublishers.ofString("v")), BodyKind.TEXT);
    assertThat(put.statusCode()).as("PUT " + url).isEqualTo(204);
    return send(HttpClient.Version.HTTP_1_1, HttpRequest.newBuilder(URI.create(url)), BodyKind.TEXT).body();
  }

  /** The visit count after two visits with the same session cookie. */
  private static int visitsTwice(String base) throws Exception {
    Reply first = send(HttpClient.Version.HTTP_1_1, HttpRequest.newBuilder(URI.create(base + "/session")),
        BodyKind.TEXT);
    assertThat(first.statusCode()).isEqualTo(200);
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
    Reply second = send(HttpClient.Version.HTTP_1_1,
        HttpRequest.newBuilder(URI.create(base + "/session")).header("Cookie", cookie), BodyKind.TEXT);
    return new JsonObject(second.body()).getInteger("visits");
  }

  @Test
  void cleartextHttp2AnswersAfterAnUpgrade() throws Exception {
    Reply hello = send(HttpClient.Version.HTTP_2,
        HttpRequest.newBuilder(URI.create(redisBase + "/hello")), BodyKind.TEXT);
    assertThat(hello.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(hello.body()).isEqualTo("hello");
  }

  @Test
  void aFileIsGzippedForAClientThatAcceptsIt() throws Exception {
    Reply file = send(HttpClient.Version.HTTP_1_1, HttpRequest.newBuilder(
        URI.create(localBase + "/files/page.txt")).header("Accept-Encoding", "gzip"), BodyKind.GZIP);
    assertThat(file.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertThat(file.body()).isEqualTo(PAGE);
  }

  private enum BodyKind { TEXT, GZIP }

  private static Reply send(HttpClient.Version version, HttpRequest.Builder request, BodyKind kind)
      throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().version(version).connectTimeout(REQUEST_WAIT).build();
    HttpResponse<byte[]> response = client.send(request.timeout(REQUEST_WAIT).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    byte[] body = response.body();
    if (kind == BodyKind.GZIP) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        body = in.readAllBytes();
      }
    }
    return new Reply(response.statusCode(), response.headers(), response.version(),
        new String(body, StandardCharsets.UTF_8));
  }

  private record Reply(int statusCode, HttpHeaders headers, HttpClient.Version version, String body) {
  }

  private static Set<String> entryNames() throws IOException {
    Path fatJar = JarProcess.fatJar();
    try (ZipFile jar = new ZipFile(fatJar.toFile())) {
      return jar.stream().map(ZipEntry::getName).collect(Collectors.toSet());
    }
  }
}
