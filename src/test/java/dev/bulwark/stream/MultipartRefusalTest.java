package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Multipart bodies that are not a sound upload, sent raw as a hostile client would, against the default field limits
 * ({@code uploads.maxFields} 32, {@code uploads.maxFieldSize} 8 KiB, {@code uploads.maxFiles} 10): each gets its 4xx
 * in the JSON error shape, a body left unread closes the connection, no file stays behind, and nothing reaches the log
 * at ERROR, with a stack trace, or as the scope's leak warning about the upload's own cleanup.
 */
class MultipartRefusalTest {

  private static final String B = "bnd";
  private static final String TYPE = "multipart/form-data; boundary=" + B;
  private static TestServer server;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("bulwark-multipart");
    server = TestServer.start(new JsonObject()
        .put("uploads", new JsonObject().put("dir", dir.toString()))
        .put("scope", new JsonObject().put("trackSites", "all")));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static String field(String name, String value) {
    return part("Content-Disposition: form-data; name=\"" + name + "\"", value);
  }

  private static String file(String name, String content) {
    return part("Content-Disposition: form-data; name=\"f\"; filename=\"" + name + "\"\r\nContent-Type: text/plain",
        content);
  }

  private static String part(String headers, String content) {
    return "--" + B + "\r\n" + headers + "\r\n\r\n" + content + "\r\n";
  }

  private static String fields(int n) {
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < n; i++) {
      body.append(field("f" + i, "v"));
    }
    return body.toString();
  }

  private static String end() {
    return "--" + B + "--\r\n";
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        // Refused before the rest of the body is read: the connection must close.
        Arguments.of("1,000 fields", TYPE, fields(1000) + end(), 413, "too_many_fields", true),
        Arguments.of("a 100 KB field", TYPE, field("a", "x".repeat(100_000)) + end(), 413, "field_too_large", true),
        Arguments.of("an endless part header", TYPE, "--" + B + "\r\nContent-Disposition: form-data; name=\"a\"\r\n"
            + "X-Pad: " + "y".repeat(200_000), 400, "bad_request", true),
        Arguments.of("an endless preamble", TYPE, "z".repeat(200_000), 400, "bad_request", true),
        Arguments.of("no boundary", "multipart/form-data", file("a.txt", "hi") + end(), 400, "not_multipart", true),
        Arguments.of("an empty boundary", "multipart/form-data; boundary=\"\"", file("a.txt", "hi") + end(), 400,
            "not_multipart", true),
        // Read to its end, so the connection could serve another request; these ask it to close.
        Arguments.of("a wrong boundary", "multipart/form-data; boundary=other", file("a.txt", "hi") + end(), 400,
            "bad_request", false),
        Arguments.of("an empty body", TYPE, "", 400, "bad_request", false),
        Arguments.of("a junk body", TYPE, "junk, not multipart at all", 400, "bad_request", false),
        Arguments.of("fields and no file", TYPE, field("a", "1") + end(), 400, "bad_request", false),
        Arguments.of("33 fields and a file", TYPE, fields(33) + file("a.txt", "hi") + end(), 413, "too_many_fields",
            false),
        Arguments.of("20 files", TYPE, file("a.txt", "hi").repeat(20) + end(), 413, "too_many_files", true),
        // Parts the decoder cannot make sense of.
        Arguments.of("an unknown transfer encoding", TYPE, part("Content-Disposition: form-data; name=\"f\"; "
            + "filename=\"a\"\r\nContent-Transfer-Encoding: bogus", "hi") + end(), 400, "bad_request", true),
        Arguments.of("an unknown charset", TYPE, part("Content-Disposition: form-data; name=\"f\"\r\n"
            + "Content-Type: text/plain; charset=bogus", "hi") + end(), 400, "bad_request", true),
        Arguments.of("a part without a disposition", TYPE, part("Content-Type: text/plain", "hi") + end(), 400,
            "bad_request", true),
        Arguments.of("a disposition that is not form-data", TYPE, part("Content-Disposition: attachment; "
            + "filename=\"a\"", "hi") + end(), 400, "bad_request", true));
  }

  @ParameterizedTest(name = "{0}: {3} {4}")
  @MethodSource("refused")
  void getsItsStatusInTheErrorShapeAndLeavesNothing(String what, String type, String body, int status, String code,
      boolean closes) throws Exception {
    String head = "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: " + type + "\r\nContent-Length: "
        + body.length() + "\r\n" + (closes ? "" : "Connection: close\r\n") + "\r\n";
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      // Reads until the server closes: a refusal that left the connection open fails here on the read timeout.
      String answer = RawHttp.exchange(server.port(), head, body.getBytes(StandardCharsets.ISO_8859_1));
      assertThat(answer).startsWith("HTTP/1.1 " + status).contains("\"error\":\"" + code + "\"");
      return null;
    });
    assertQuiet(events);
    awaitNoFiles();
    assertThat(server.get("/hello").statusCode()).as("still serving").isEqualTo(200);
  }

  @Test
  void anUploadThatSucceedsOrFailsLeavesTheScopeNothingToReportAboutIt() throws Exception {
    String upload = "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: " + TYPE + "\r\nConnection: close\r\n";
    String ok = file("a.txt", "hello") + end();
    String tooMany = file("a.txt", "hi").repeat(11) + end();
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String stored = RawHttp.exchange(server.port(), upload + "Content-Length: " + ok.length() + "\r\n\r\n" + ok,
          false);
      assertThat(stored).startsWith("HTTP/1.1 201");
      String id = new JsonObject(stored.substring(stored.indexOf("\r\n\r\n") + 4)).getJsonArray("files")
          .getJsonObject(0).getString("id");
      assertThat(RawHttp.exchange(server.port(), "DELETE /uploads/" + id + " HTTP/1.1\r\nHost: x\r\n"
          + "Connection: close\r\n\r\n", false)).startsWith("HTTP/1.1 204");
      assertThat(RawHttp.exchange(server.port(), upload + "Content-Length: " + tooMany.length() + "\r\n\r\n"
          + tooMany, false)).startsWith("HTTP/1.1 413");
      return null;
    });
    assertQuiet(events);
    // Once per site per server, so the log alone could miss it: the site counts cover every test of this server.
    server.awaitStatus(s -> s.getJsonObject("scopes").getLong("open") == 0);
    assertThat(server.status().getJsonObject("scopes").getJsonArray("sites").encode()).doesNotContain("Upload");
  }

  private static void assertQuiet(List<ILoggingEvent> events) {
    assertThat(events).as("no ERROR, stack trace or warning in the log")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN) || e.getThrowableProxy() != null);
  }

  private static void awaitNoFiles() throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (fileCount() > 0) {
      if (System.nanoTime() > deadline) {
        try (Stream<Path> files = Files.list(dir)) {
          throw new AssertionError("files left behind: " + files.toList());
        }
      }
      Thread.onSpinWait();
    }
  }

  private static long fileCount() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.count();
    }
  }
}
