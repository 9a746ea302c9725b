package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.ModuleSource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each config mistake a user can make gives exit status 2 and one line that names the key and where it came from: the
 * file (with line and column when the file is not JSON), or the environment variable. Real files, {@code Main}'s own
 * command handling, in-process.
 */
class ConfigErrorsTest {

  private static final String USAGE = "usage: java -jar bulwark.jar [--config FILE]... [--print-config] [--version]";

  @TempDir
  Path dir;

  @Test
  void aTokenFileThatIsADirectoryNamesTheKeyAndTheFile() throws Exception {
    assertFileError("{\"admin\": {\"tokenFile\": \"/\"}}", "admin.tokenFile = \"/\" (from %s): expected the path of "
        + "a file, such as var/admin.token, not a directory");
  }

  @Test
  void aBinaryFileNamesTheFirstByteThatIsNotUtf8WithItsLineAndColumn() throws Exception {
    Path file = dir.resolve("binary.json");
    Files.write(file, new byte[] {'{', '\n', ' ', ' ', (byte) 0xff, 0, 1, '}'});
    assertThat(error(Map.of(), file)).isEqualTo("bulwark: config error: config file " + file
        + ", line 2, column 3: byte 0xFF is not UTF-8; a config file is one JSON object in UTF-8");
  }

  @Test
  void anArrayOrNothingIsNotAConfig() throws Exception {
    assertFileError("[1]", "config file %s, line 1, column 1: an array where a JSON object belongs; a config file is "
        + "one JSON object, such as {\"http\": {\"port\": 8080}}");
    assertFileError(" \n", "config file %s is empty; a config file is one JSON object, such as {\"http\": "
        + "{\"port\": 8080}}");
  }

  @Test
  void aSyntaxErrorGivesLineColumnAndTheKeyBeingRead() throws Exception {
    assertFileError("{\n  \"http\": {\n    \"port\": 80a\n  }\n}\n", "config file %s, line 3, column 15 (at "
        + "http.port): Unexpected character ('a' (code 97)): was expecting comma to separate Object entries");
  }

  @Test
  void aDuplicateKeyInOneFileIsRefusedWhereItIsRepeated() throws Exception {
    assertFileError("{\"http\": {\"port\": 1,\n \"port\": 2}}", "config file %s, line 2, column 2: duplicate key "
        + "http.port; give each key once in a file");
  }

  @Test
  void anEmptyCriticalRouteIsRefusedRatherThanTurningSheddingOff() throws Exception {
    String allowed = "expected path prefixes such as /orders; \"\" or \"/\" would cover every path (to never shed, "
        + "set memory.shedWhenCritical to false)";
    assertFileError("{\"memory\": {\"criticalRoutes\": [\"/orders\", \"\"]}}",
        "memory.criticalRoutes = [\"/orders\",\"\"] (from %s): " + allowed);
    assertThat(error(Map.of("BULWARK_MEMORY_CRITICAL_ROUTES", "/orders,/"))).isEqualTo("bulwark: config error: "
        + "memory.criticalRoutes = \"/orders,/\" (from BULWARK_MEMORY_CRITICAL_ROUTES): " + allowed);
  }

  @Test
  void configWithoutAFileSaysSo() {
    assertThat(stderr(Map.of(), "--config")).isEqualTo("bulwark: --config needs a file after it; " + USAGE);
    assertThat(stderr(Map.of(), "--config=")).isEqualTo("bulwark: --config needs a file after it; " + USAGE);
  }

  @Test
  void anEnvironmentErrorNamesTheVariable() {
    assertThat(error(Map.of("BULWARK_HTTP_PORT", "x"))).isEqualTo(
        "bulwark: config error: http.port = \"x\" (from BULWARK_HTTP_PORT): expected an integer from 0 to 65535");
    assertThat(error(Map.of("BULWARK_SESSIONS_COOKIE_NAME", "a b"))).isEqualTo("bulwark: config error: "
        + "sessions.cookieName = \"a b\" (from BULWARK_SESSIONS_COOKIE_NAME): expected 1 to 64 of A-Z a-z 0-9 . _ -");
  }

  /** The one line a command line with these config files and this environment prints (exit status 2 asserted). */
  static String error(Map<String, String> env, Path... files) {
    String[] args = new String[files.length * 2];
    for (int i = 0; i < files.length; i++) {
      args[2 * i] = "--config";
      args[2 * i + 1] = files[i].toString();
    }
    return stderr(env, args);
  }

  /** Runs the command line in-process; asserts exit status 2 and exactly one line on stderr, which it returns. */
  private static String stderr(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Main.Outcome outcome = Main.command(args, env, ModuleSource.NONE, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String errText = err.toString(StandardCharsets.UTF_8);
    assertThat(outcome.serve()).as("no server for a bad config").isNull();
    assertThat(outcome.exitStatus()).as("exit status; stderr: " + errText).isEqualTo(2);
    assertThat(errText.lines()).as("lines on stderr").hasSize(1);
    assertThat(out.size()).as("nothing on stdout").isZero();
    return errText.strip();
  }

  /** Loads {@code json} from a file of its own: one line, {@code expected} after the prefix, {@code %s} the file. */
  private void assertFileError(String json, String expected) throws IOException {
    Path file = write(json);
    assertThat(error(Map.of(), file)).isEqualTo("bulwark: config error: " + expected.replace("%s", file.toString()));
  }

  private Path write(String json) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "conf", ".json"), json);
  }
}
