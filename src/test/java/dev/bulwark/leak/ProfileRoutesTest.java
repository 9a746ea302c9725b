package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** A JFR profile and the threads, on the admin port, behind the token. */
class ProfileRoutesTest {

  @Test
  void aOneSecondProfileIsAJfrFileThatTheJfrToolReads() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject()
        .put("admin", new JsonObject().put("maxProfileSeconds", 5)))) {
      String token = server.server().adminToken();
      HttpResponse<byte[]> profile = server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + server.server().adminPort() + "/admin/profile?seconds=1")).header("Authorization", "Bearer " + token)
          .build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(profile.statusCode()).isEqualTo(200);
      assertThat(new String(profile.body(), 0, 3, StandardCharsets.US_ASCII)).isEqualTo("FLR");
      Path file = Files.createTempFile("profile-test-", ".jfr");
      try {
        Files.write(file, profile.body());
        Process jfr = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jfr").toString(),
            "summary", file.toString()).redirectErrorStream(true).start();
        String summary = new String(jfr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jfr.waitFor()).as(summary).isZero();
        assertThat(summary).contains("jdk.ExecutionSample");
      } finally {
        Files.deleteIfExists(file);
      }
      assertThat(server.admin("/admin/profile?seconds=6", token).statusCode()).isEqualTo(400);
      assertThat(server.admin("/admin/profile?seconds=x", token).statusCode()).isEqualTo(400);
      assertThat(server.admin("/admin/profile?seconds=1", null).statusCode()).isEqualTo(401);
      HttpResponse<String> threads = server.admin("/admin/threads", token);
      assertThat(threads.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(threads.body()).getInteger("count")).isPositive();
      assertThat(threads.body()).contains("vert.x-eventloop-thread");
    }
  }
}
