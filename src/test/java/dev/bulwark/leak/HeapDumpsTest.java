package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import dev.bulwark.testing.Tmpfs;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Heap dumps on the admin port: whole HPROF files, one at a time, kept to admin.maxDumps, names checked. */
class HeapDumpsTest {

  private static HttpResponse<String> send(TestServer server, String method, String path) throws Exception {
    return server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.server().adminPort()
        + path)).header("Authorization", "Bearer " + server.server().adminToken())
        .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Starts a dump, waiting out one still being written; returns its name. */
  private static String dump(TestServer server) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    HttpResponse<String> r;
    while ((r = send(server, "POST", "/admin/heap/dump")).statusCode() == 409) {
      assertThat(System.nanoTime()).as("the dump before ends in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    return new JsonObject(r.body()).getString("name");
  }

  private static JsonArray awaitListed(TestServer server, String name) throws Exception {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (true) {
      JsonArray dumps = new JsonObject(send(server, "GET", "/admin/heap/dumps").body()).getJsonArray("dumps");
      if (dumps.stream().anyMatch(d -> ((JsonObject) d).getString("name").equals(name))) {
        return dumps;
      }
      assertThat(System.nanoTime()).as("dump listed in time").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void dumpsAreWholeHprofFilesOneAtATimeKeptToMaxDumpsAndOnlyTheirNamesReachFiles() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-dumps");
    try (TestServer server = TestServer.start(new JsonObject()
        .put("admin", new JsonObject().put("dumpDir", dir.toString()).put("maxDumps", 2)))) {
      String first = dump(server);
      assertThat(first).matches("heap-\\d{8}T\\d{9}Z\\.hprof");
      dump(server);
      String last = dump(server);
      JsonArray dumps = awaitListed(server, last);
      Thread.sleep(200); // the pruning after the last dump
      dumps = awaitListed(server, last);
      assertThat(dumps.size()).as("kept to admin.maxDumps").isEqualTo(2);
      assertThat(dumps.stream().map(d -> ((JsonObject) d).getString("name"))).doesNotContain(first);
      assertThat(Files.list(dir.resolve(".partial"))).as("nothing half-written left").isEmpty();
      String listed = last;
      byte[] head = new byte[18];
      try (var in = Files.newInputStream(dir.resolve(listed))) {
        assertThat(in.read(head)).isEqualTo(18);
      }
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("JAVA PROFILE 1.0.2");
      HttpResponse<String> download = send(server, "GET", "/admin/heap/dumps/" + listed);
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body()).startsWith("JAVA PROFILE 1.0.2");
      assertThat(send(server, "GET", "/admin/heap/dumps/..%2F..%2Fetc%2Fpasswd").statusCode()).isIn(400, 404);
      assertThat(send(server, "GET", "/admin/heap/dumps/admin.token").statusCode()).isEqualTo(400);
      assertThat(send(server, "DELETE", "/admin/heap/dumps/" + listed).statusCode()).isEqualTo(204);
      assertThat(send(server, "DELETE", "/admin/heap/dumps/" + listed).statusCode()).isEqualTo(404);
      assertThat(server.admin("/admin/heap/dumps", null).statusCode()).isEqualTo(401);
    }
  }

  @Test
  void aDiskWithLessFreeThanTheHeapGets507AndNothingIsWritten() throws Exception {
    String whyNot = Tmpfs.whyNot();
    org.junit.jupiter.api.Assumptions.assumeTrue(whyNot == null, whyNot);
    try (Tmpfs small = Tmpfs.mount("1m");
        TestServer server = TestServer.start(new JsonObject()
            .put("admin", new JsonObject().put("dumpDir", small.dir().toString())))) {
      HttpResponse<String> refused = send(server, "POST", "/admin/heap/dump");
      assertThat(refused.statusCode()).isEqualTo(507);
      assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("insufficient_storage");
      assertThat(send(server, "POST", "/admin/heap/dump").statusCode()).as("not stuck as busy").isEqualTo(507);
      try (var files = Files.walk(small.dir())) {
        assertThat(files.filter(Files::isRegularFile)).isEmpty();
      }
    }
  }
}
