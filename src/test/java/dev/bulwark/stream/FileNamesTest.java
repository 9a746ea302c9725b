package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * File names as clients send them, over raw HTTP/1.1: percent-decoded exactly once, as UTF-8 and strictly (anything
 * else is 400 {@code bad_path}), segment by segment, and never a way out of {@code files.root} however encoded.
 */
class FileNamesTest {

  private static TestServer server;
  private static Path root;

  /** Non-ASCII names reach the disk only when the JVM encodes file names as UTF-8 (a UTF-8 locale). */
  private static boolean utf8FileNames() {
    return "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));
  }

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-names");
    root = Files.createDirectories(dir.resolve("public"));
    Files.writeString(dir.resolve("secret.txt"), "secret");
    Files.writeString(root.resolve("a b.txt"), "space");
    Files.writeString(root.resolve("x%20y.txt"), "literal percent");
    Files.writeString(root.resolve("100%.txt"), "percent");
    Files.writeString(root.resolve("a+b.txt"), "plus");
    Files.createDirectories(root.resolve("sub"));
    Files.writeString(root.resolve("sub/inner.txt"), "inner");
    if (utf8FileNames()) {
      Files.writeString(root.resolve("\u00e9t\u00e9.txt"), "accents");
    }
    server = TestServer.start(new JsonObject().put("files", new JsonObject().put("root", root.toString())));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  /** {@code target} is sent as these exact bytes (each char one ISO-8859-1 byte). */
  private static String get(String target) throws Exception {
    return RawHttp.exchange(server.port(), "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        false);
  }

  private static String body(String answer) {
    return answer.substring(answer.indexOf("\r\n\r\n") + 4);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "/files/a%20b.txt, space",
      "/files/a%20b%2etxt, space",
      "/files/x%2520y.txt, literal percent",
      "/files/100%25.txt, percent",
      "/files/a+b.txt, plus",
      "/files/a%2Bb.txt, plus",
      "/files/sub/inner.txt, inner",
      "/files/%73ub/inner.txt, inner",
  })
  void decodesEveryNameExactlyOnce(String target, String content) throws Exception {
    String answer = get(target);
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(body(answer)).isEqualTo(content);
  }

  @Test
  void anEscapeIsNeverTakenLiterally() throws Exception {
    // x%20y.txt exists on disk, x y.txt does not: the client asked for "x y.txt".
    assertThat(get("/files/x%20y.txt")).startsWith("HTTP/1.1 404").contains("\"error\":\"not_found\"");
  }

  @Test
  void servesNonAsciiNamesSentAsUtf8EncodedOrRaw() throws Exception {
    assumeTrue(utf8FileNames(), "the JVM's file names are not UTF-8 (set a UTF-8 locale)");
    String raw = new String("/files/\u00e9t\u00e9.txt".getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    for (String target : new String[] {"/files/%C3%A9t%C3%A9.txt", "/files/%c3%a9t%c3%a9.txt", raw}) {
      String answer = get(target);
      assertThat(answer).as(target).startsWith("HTTP/1.1 200");
      assertThat(body(answer)).isEqualTo("accents");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/files/%FF.txt", "/files/%C3.txt", "/files/%C3%28.txt", "/files/%E9t%E9.txt",
      "/files/%C0%AF", "/files/%C0%AE%C0%AE%2Fsecret.txt", "/files/%ED%A0%80.txt", "/files/%F0%9F%98.txt",
      "/files/%F8%88%80%80%80", "/files/sub/%FE", "/files/%+1.txt", "/files/%-1.txt", "/files/%\u00ff0.txt"})
  void aNameThatIsNotPercentEncodedUtf8Is400BadPath(String target) throws Exception {
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      String answer = get(target);
      assertThat(answer).startsWith("HTTP/1.1 400").contains("\"error\":\"bad_path\"").doesNotContain("Exception");
      return null;
    });
    assertThat(events).as("no ERROR and no stack trace in the log")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
    assertThat(get("/files/a%20b.txt")).as("the next request is served").startsWith("HTTP/1.1 200");
  }

  @Test
  void aBadNameIsCountedAsARejectedBadPath() throws Exception {
    long before = badPaths();
    assertThat(get("/files/%FF")).startsWith("HTTP/1.1 400");
    assertThat(badPaths()).isEqualTo(before + 1);
  }

  private static long badPaths() throws Exception {
    return server.status().getJsonObject("http").getJsonObject("rejectedByReason").getLong("bad_path");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/files/..%2Fsecret.txt", "/files/..%2fsecret.txt", "/files/sub%2F..%2F..%2Fsecret.txt",
      "/files/sub/..%2F..%2Fsecret.txt", "/files/%2e%2e%2fsecret.txt", "/files/%2E%2E/secret.txt",
      "/files/sub/%2e%2e/%2e%2e/secret.txt", "/files/..%252Fsecret.txt", "/files/%252e%252e/secret.txt",
      "/files/..%5Csecret.txt", "/files/sub%5C..%5C..%5Csecret.txt", "/files/..\\secret.txt",
      "/files/a%20b.txt%00", "/files/%00/../secret.txt", "/files/sub%00/inner.txt", "/files/sub%2Finner.txt",
      "/files/%2F", "/files/%2Fetc%2Fpasswd", "/files/%2F%2E%2E%2Fsecret.txt", "/files/C%3A%5Csecret.txt",
      "/files/sub/%2E", "/files/sub/.%2E/secret.txt", "/files/.", "/files/%20", "/files/"})
  void nothingDecodedLeavesTheRoot(String target) throws Exception {
    String answer = get(target);
    assertThat(answer).startsWith("HTTP/1.1 404").doesNotContain("secret");
  }
}
