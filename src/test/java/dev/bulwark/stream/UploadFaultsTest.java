package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.scope.ScopeCounters;
import dev.bulwark.scope.ScopeOptions;
import dev.bulwark.server.ErrorHandler;
import dev.bulwark.spi.ApiError;
import dev.bulwark.testing.RawHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads over real HTTP into a file system whose writes fail on demand ({@link FaultyFileSystem}): a write, flush,
 * close, metadata write or rename that fails is never answered 201, says 507 when the disk is full and 500 otherwise,
 * logs no ERROR, and leaves no file behind (data, metadata or temporary). With a small simulated disk, the free-space
 * floor holds while a chunked body streams. Each upload is counted once by its outcome.
 */
class UploadFaultsTest {

  private static final long MIB = 1 << 20;
  private static final UploadOptions OPTIONS = new UploadOptions().setMinFreeDisk(MIB)
      .setFreeSpaceCheckEvery(64 * 1024);
  private static final HttpClient JDK = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
  private static Vertx vertx;
  private static io.vertx.core.http.HttpClient client;
  private static HttpServer server;
  private static FaultyFileSystem faults;
  private static Path dir;
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    faults = new FaultyFileSystem(vertx.fileSystem());
    dir = Files.createTempDirectory("bulwark-faults");
    ScopeOptions scopes = new ScopeOptions();
    Router router = Router.router(vertx);
    router.route().handler(RequestScopeHandler.create(vertx, scopes, new ScopeCounters(scopes),
        Duration.ofSeconds(30)));
    StreamMeters meters = StreamMeters.register(METERS);
    router.post("/uploads").handler(ctx -> UploadReceiver.receive(ctx, OPTIONS, dir, faults.fileSystem(), meters)
        .onSuccess(files -> ctx.response().setStatusCode(201).end(new JsonObject().put("files", files).encode()))
        .onFailure(e -> ApiError.fail(ctx, e)));
    router.route().failureHandler(ErrorHandler.create());
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @BeforeEach
  void watchLogs() throws Exception {
    faults.reset();
    for (String name : list()) { // what a failed test left must not fail the next one
      Files.delete(dir.resolve(name));
    }
    logs.start();
    root().addAppender(logs);
  }

  @AfterEach
  void nothingLeftAndNoErrorLogged() throws Exception {
    root().detachAppender(logs);
    awaitEmpty();
    assertThat(METERS.get("bulwark.uploads.in.progress").gauge().value()).isZero();
    assertThat(logs.list).as("log lines of a failed upload").noneMatch(e -> e.getLevel() == Level.ERROR
        || e.getThrowableProxy() != null);
  }

  @Test
  void aWriteThatFindsTheDiskFullIs507() throws Exception {
    faults.failDataWrite = 3;
    double before = uploads("insufficient_storage");
    assertRefused(upload(random(300_000)), 507, "insufficient_storage");
    assertThat(uploads("insufficient_storage") - before).isEqualTo(1);
  }

  @Test
  void anotherWriteErrorIs500WithAGenericMessage() throws Exception {
    faults.failDataWrite = 2;
    faults.error = FaultyFileSystem.IO_ERROR;
    double before = uploads("failed");
    HttpResponse<String> r = upload(random(300_000));
    assertRefused(r, 500, "internal_error");
    assertThat(uploads("failed") - before).isEqualTo(1);
    assertThat(r.body()).doesNotContain("Input/output", "Exception", "at dev.bulwark", "at io.vertx");
  }

  @Test
  void aFailedFlushIsNever201() throws Exception {
    faults.failFlush = true;
    assertRefused(upload(random(100_000)), 507, "insufficient_storage");
  }

  @Test
  void aFailedCloseIsNever201() throws Exception {
    faults.failClose = true;
    assertRefused(upload(random(100_000)), 507, "insufficient_storage");
  }

  @Test
  void metadataThatCannotBeWrittenLeavesNoEmptyOrphan() throws Exception {
    faults.failMetadata = true;
    assertRefused(upload(random(50_000), random(60_000)), 507, "insufficient_storage");
  }

  @Test
  void aRenameThatFailsLeavesNoTemporaryFile() throws Exception {
    faults.failMove = true;
    assertRefused(upload(random(50_000), random(60_000)), 507, "insufficient_storage");
  }

  @Test
  void aChunkedUploadIsCutBeforeItCrossesMinFreeDisk() throws Exception {
    faults.diskSize = 3 * MIB;
    ChunkedUpload.Reply r = ChunkedUpload.post(client, server.actualPort(), "big.bin", random((int) (4 * MIB)),
        sent -> { });
    assertThat(r.status()).isEqualTo(507);
    assertThat(r.error()).isEqualTo("insufficient_storage");
    assertThat(faults.dataBytes()).as("bytes written, of a 3 MiB disk that must keep 1 MiB free")
        .isPositive().isLessThanOrEqualTo(2 * MIB);
  }

  @Test
  void aDeclaredUploadTooBigForTheDiskIsRefusedBeforeAnyWrite() throws Exception {
    faults.diskSize = 3 * MIB;
    String answer = RawHttp.exchange(server.actualPort(), "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: "
        + "multipart/form-data; boundary=" + UploadTest.BOUNDARY + "\r\nContent-Length: " + (2 * MIB + 1)
        + "\r\n\r\n", false);
    assertThat(answer).startsWith("HTTP/1.1 507").contains("insufficient_storage");
    assertThat(faults.dataBytes()).isZero();
  }

  @Test
  void aGoodUploadLeavesItsDataAndCompleteMetadataOnly() throws Exception {
    HttpResponse<String> r = upload(random(200_000), random(10));
    assertThat(r.statusCode()).isEqualTo(201);
    JsonArray files = new JsonObject(r.body()).getJsonArray("files");
    List<String> expected = files.stream().map(f -> ((JsonObject) f).getString("id"))
        .flatMap(id -> Stream.of(id, id + ".json")).sorted().toList();
    assertThat(list()).as("data and metadata, no temporary file").isEqualTo(expected);
    for (Object file : files) {
      JsonObject meta = (JsonObject) file;
      assertThat(new JsonObject(Files.readString(dir.resolve(meta.getString("id") + ".json")))).isEqualTo(meta);
      Files.delete(dir.resolve(meta.getString("id")));
      Files.delete(dir.resolve(meta.getString("id") + ".json"));
    }
  }

  private static double uploads(String outcome) {
    return METERS.get("bulwark.uploads").tag("outcome", outcome).counter().count();
  }

  private static void assertRefused(HttpResponse<String> r, int status, String error) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(error);
  }

  private static HttpResponse<String> upload(byte[]... files) throws Exception {
    return JDK.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/uploads"))
        .header("Content-Type", "multipart/form-data; boundary=" + UploadTest.BOUNDARY)
        .timeout(Duration.ofSeconds(20))
        .POST(HttpRequest.BodyPublishers.ofByteArray(UploadTest.multipart("f.bin", files))).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }

  private static List<String> list() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Cleanup runs on the event loop as the request ends, just after the answer: wait briefly for it. */
  private static void awaitEmpty() throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!list().isEmpty()) {
      assertThat(System.nanoTime()).as("files left behind: " + list()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static ch.qos.logback.classic.Logger root() {
    return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }
}
