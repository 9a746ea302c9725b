package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import dev.bulwark.testing.Tmpfs;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Uploads on a real, small file system: an 8 MiB tmpfs mounted for this class, with {@code uploads.minFreeDisk} 2 MiB.
 * Declared and chunked bodies that would cross the floor get 507 and leave nothing; a disk that fills up under a
 * write gets 507, never 201, and leaves no partial file or metadata. Needs root (to mount); skipped otherwise.
 */
class UploadDiskTest {

  private static final long MIB = 1 << 20;
  private static final long MIN_FREE = 2 * MIB;
  private static final long CHECK_EVERY = 256 * 1024;
  private static Tmpfs tmpfs;
  private static Path mount;
  private static String whyNot; // why these tests cannot run here, or null
  private static Vertx vertx;
  private static HttpClient client;
  private static TestServer server;
  private static FileStore store;

  @BeforeAll
  static void mountTmpfs() throws Exception {
    whyNot = Tmpfs.whyNot();
    if (whyNot != null) {
      return;
    }
    try {
      tmpfs = Tmpfs.mount("8m");
    } catch (IllegalStateException e) {
      whyNot = e.getMessage();
      return;
    }
    mount = tmpfs.dir();
    store = Files.getFileStore(mount);
    vertx = Vertx.vertx();
    client = vertx.createHttpClient();
    server = TestServer.start(config(MIN_FREE, CHECK_EVERY));
  }

  @AfterAll
  static void unmount() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
      if (vertx != null) {
        vertx.close().await();
      }
    } finally {
      if (tmpfs != null) {
        tmpfs.close();
      }
    }
  }

  @BeforeEach
  void emptyDisk() throws IOException {
    Assumptions.assumeTrue(whyNot == null, whyNot); // said per test, so every skipped test carries the reason
    for (String name : list()) { // what a failed test left must not fail the next one
      Files.delete(mount.resolve(name));
    }
  }

  @AfterEach
  void nothingLeft() throws Exception {
    if (whyNot != null) {
      return; // skipped: no disk to look at
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!list().isEmpty()) {
      assertThat(System.nanoTime()).as("files left behind: " + list()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aDeclaredUploadThatWouldCrossMinFreeDiskIs507BeforeAnyByteIsWritten() throws Exception {
    long free = store.getUsableSpace();
    String answer = RawHttp.exchange(server.port(), "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: "
        + "multipart/form-data; boundary=" + UploadTest.BOUNDARY + "\r\nContent-Length: " + (free - MIN_FREE + 1)
        + "\r\n\r\n", false);
    assertThat(answer).startsWith("HTTP/1.1 507").contains("insufficient_storage");
    assertThat(list()).isEmpty();
  }

  @Test
  void aChunkedUploadThatWouldCrossMinFreeDiskIsCutWith507() throws Exception {
    AtomicLong lowest = new AtomicLong(Long.MAX_VALUE);
    AtomicBoolean sending = new AtomicBoolean(true);
    // Samples free space while the body streams, so a dip between two client writes is seen too.
    Thread sampler = new Thread(() -> {
      while (sending.get()) {
        lowest.accumulateAndGet(usable(), Math::min);
      }
    });
    sampler.start();
    ChunkedUpload.Reply r;
    try {
      r = ChunkedUpload.post(client, server.port(), "big.bin", random((int) (7 * MIB)), sent -> { });
    } finally {
      sending.set(false);
      sampler.join();
    }
    assertThat(r.status()).as(r.body()).isEqualTo(507);
    assertThat(r.error()).isEqualTo("insufficient_storage");
    assertThat(lowest.get()).as("lowest free space while streaming").isGreaterThanOrEqualTo(MIN_FREE - CHECK_EVERY);
  }

  @Test
  void aDiskThatFillsUpUnderAWriteIs507AndLeavesNoPartialFile() throws Exception {
    // No floor and a look at free space only every 64 MiB: the data is written until the disk itself says no.
    try (TestServer noFloor = TestServer.start(config(0, 64 * MIB))) {
      Path filler = mount.resolve("filler");
      AtomicBoolean filled = new AtomicBoolean();
      try {
        ChunkedUpload.Reply r = ChunkedUpload.post(client, noFloor.port(), "fills.bin", random((int) (3 * MIB)),
            sent -> {
              if (sent >= MIB && filled.compareAndSet(false, true)) {
                awaitDataOnDisk(); // the server has passed its free-space check and is writing
                fill(filler); // another writer takes the rest of the disk mid-upload
              }
            });
        assertThat(r.status()).as(r.body()).isEqualTo(507);
        assertThat(r.error()).isEqualTo("insufficient_storage");
        assertThat(new JsonObject(r.body()).getString("message")).as("refused by the disk itself, not the floor")
            .isEqualTo(StorageFailure.DISK_FULL.getMessage());
        awaitOnly(List.of("filler"));
      } finally {
        Files.deleteIfExists(filler);
      }
    }
  }

  @Test
  void aNormalUploadSucceedsWithCompleteMetadata() throws Exception {
    byte[] data = random(1_500_000);
    ChunkedUpload.Reply r = ChunkedUpload.post(client, server.port(), "ok.bin", data, sent -> { });
    assertThat(r.status()).as(r.body()).isEqualTo(201);
    JsonObject file = new JsonObject(r.body()).getJsonArray("files").getJsonObject(0);
    String id = file.getString("id");
    assertThat(file.getString("sha256")).isEqualTo(HexFormat.of().formatHex(
        MessageDigest.getInstance("SHA-256").digest(data)));
    assertThat(list()).as("data and metadata, no temporary file").containsExactlyInAnyOrder(id, id + ".json");
    assertThat(Files.readAllBytes(mount.resolve(id))).isEqualTo(data);
    assertThat(new JsonObject(Files.readString(mount.resolve(id + ".json")))).isEqualTo(file);
    assertThat(server.client().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
        + server.port() + "/uploads/" + id)).DELETE().build(), java.net.http.HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(204);
  }

  private static JsonObject config(long minFreeDisk, long checkEvery) {
    return new JsonObject().put("uploads", new JsonObject().put("dir", mount.toString())
        .put("minFreeDisk", minFreeDisk).put("freeSpaceCheckEvery", checkEvery));
  }

  /** Writes into {@code file} until the disk is full. */
  private static void fill(Path file) {
    byte[] block = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      while (true) {
        out.write(block);
      }
    } catch (IOException full) {
      assertThat(full.getMessage()).contains("No space left");
    }
  }

  private static void awaitDataOnDisk() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    try {
      while (list().isEmpty() || Files.size(mount.resolve(list().get(0))) == 0) {
        assertThat(System.nanoTime()).as("the upload's data reaching the disk").isLessThan(deadline);
        Thread.onSpinWait();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private void awaitOnly(List<String> names) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!list().equals(names)) {
      assertThat(System.nanoTime()).as("files left behind: " + list()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static long usable() {
    try {
      return store.getUsableSpace();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> list() throws IOException {
    try (Stream<Path> files = Files.list(mount)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
