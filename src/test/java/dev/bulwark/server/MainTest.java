package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: a real JVM, its exit status and what it prints. */
class MainTest {

  @TempDir
  Path dir;

  @Test
  void wrongTypeExitsWithStatus2AndOneLineNamingTheKey() throws Exception {
    Run run = run(Map.of(), "--config", write("{\"http\":{\"port\":\"abc\"}}").toString());
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err.lines()).hasSize(1);
    assertThat(run.err).contains("http.port = \"abc\"").contains("0 to 65535").doesNotContain("Exception", "\tat ");
  }

  @Test
  void unknownKeyExitsWithStatus2AndOneLineNamingTheKey() throws Exception {
    Run run = run(Map.of(), "--config", write("{\"http\":{\"prot\":1}}").toString());
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err.lines()).hasSize(1);
    assertThat(run.err).contains("unknown key http.prot").contains("did you mean http.port?");
  }

  @Test
  void printConfigShowsTheEffectiveConfigWithSecretsMasked() throws Exception {
    Path file = write("{\"admin\":{\"token\":\"0123456789abcdef-secret\"}}");
    Run run = run(Map.of("BULWARK_HTTP_PORT", "8181"), "--config", file.toString(), "--print-config");
    assertThat(run.status).isZero();
    JsonObject printed = new JsonObject(run.out);
    assertThat(printed.getJsonObject("http").getInteger("port")).isEqualTo(8181);
    assertThat(printed.getJsonObject("admin").getString("token")).isEqualTo("****");
    assertThat(run.out).doesNotContain("0123456789abcdef-secret");
  }

  @Test
  void portInUseExitsWithStatus1NamingTheKey() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Run run = run(Map.of("BULWARK_HTTP_HOST", "127.0.0.1", "BULWARK_HTTP_PORT",
          Integer.toString(taken.getLocalPort()), "BULWARK_ADMIN_PORT", "0"));
      assertThat(run.status).isEqualTo(1);
      assertThat(run.err.strip()).isEqualTo("bulwark: cannot start: cannot listen on 127.0.0.1:"
          + taken.getLocalPort() + " (http.port): Address already in use");
    }
  }

  @Test
  void unknownArgumentExitsWithStatus2() throws Exception {
    Run run = run(Map.of(), "--prot", "1");
    assertThat(run.status).isEqualTo(2);
    assertThat(run.err).contains("unknown argument --prot");
  }

  @Test
  void jsonLoggingWritesOneObjectPerLineAndNothingPerRequest() throws Exception {
    // An existing files.root: a missing one is a WARN at start, and this test wants only the INFO start lines.
    Process p = start(Map.of("BULWARK_HTTP_PORT", "0", "BULWARK_ADMIN_PORT", "0", "BULWARK_LOGGING_JSON", "true",
        "BULWARK_HTTP_HOST", "127.0.0.1", "BULWARK_FILES_ROOT", dir.toString()));
    try {
      List<String> lines = awaitLines(3); // the test class path's example module, then the start lines
      for (String line : lines) {
        JsonObject entry = new JsonObject(line);
        assertThat(entry.getString("level")).isEqualTo("INFO");
        assertThat(entry.getString("formattedMessage")).isNotBlank();
      }
      assertThat(lines).anySatisfy(line -> assertThat(line).contains("Bulwark listening on 127.0.0.1:"));
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
    }
    List<String> all = Files.readAllLines(dir.resolve("out.txt"));
    assertThat(all).allSatisfy(line -> assertThat(new JsonObject(line).getString("level")).isNotNull());
    assertThat(all).anySatisfy(line -> assertThat(line).contains("Shutting down"));
  }

  @Test
  void twoInstancesInOneDirectoryEachAnswerTheTokenFileTheyLog() throws Exception {
    Map<String, String> env = Map.of("BULWARK_HTTP_PORT", "0", "BULWARK_ADMIN_PORT", "0",
        "BULWARK_HTTP_HOST", "127.0.0.1");
    Process first = start("first", env);
    Process second = null;
    try {
      String firstLine = awaitLine("first", "Admin port on ");
      second = start("second", env);
      String secondLine = awaitLine("second", "Admin port on ");
      assertThat(firstLine).contains("token written to " + dir.resolve("var/admin.token"));
      assertThat(secondLine).contains(dir.resolve("var/admin.token") + " is held by another running Bulwark");
      for (String line : List.of(firstLine, secondLine)) {
        int port = Integer.parseInt(line.replaceAll(".*Admin port on 127\\.0\\.0\\.1:(\\d+);.*", "$1"));
        Path file = Path.of(line.replaceAll(".*token written to (\\S+) .*", "$1"));
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/admin/status"))
            .header("Authorization", "Bearer " + Files.readString(file).strip()).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(status.statusCode()).as(line).isEqualTo(200);
      }
    } finally {
      for (Process p : java.util.Arrays.asList(first, second)) {
        if (p != null) {
          p.destroy();
          assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exits on SIGTERM").isTrue();
        }
      }
    }
  }

  /** The first line of {@code name}'s output that contains {@code text}, waiting for the process to log it. */
  private String awaitLine(String name, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (String line : Files.readAllLines(dir.resolve(name + "-out.txt"))) {
        if (line.contains(text)) {
          return line;
        }
      }
      Thread.sleep(20); // polling a child process's output
    }
    throw new AssertionError("no \"" + text + "\" from " + name + ": " + Files.readString(dir.resolve(name
        + "-err.txt")));
  }

  private List<String> awaitLines(int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      List<String> lines = Files.readAllLines(dir.resolve("out.txt"));
      if (lines.size() >= n) {
        return lines;
      }
      Thread.sleep(20); // polling a child process's output
    }
    throw new AssertionError("no log lines from the server: " + Files.readString(dir.resolve("err.txt")));
  }

  private Path write(String json) throws IOException {
    Path file = Files.createTempFile(dir, "conf", ".json");
    return Files.writeString(file, json);
  }

  private record Run(int status, String out, String err) {
  }

  private Run run(Map<String, String> env, String... args) throws Exception {
    Process p = start(env, args);
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bulwark did not exit");
    }
    return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
        Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
  }

  private Process start(Map<String, String> env, String... args) throws IOException {
    return start("", env, args);
  }

  /** Starts Main in {@code dir}; its output goes to {@code <name>-out.txt} and {@code -err.txt} ({@code out.txt}...). */
  private Process start(String name, Map<String, String> env, String... args) throws IOException {
    String prefix = name.isEmpty() ? "" : name + "-";
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BULWARK_"));
    pb.environment().putAll(env);
    pb.redirectOutput(dir.resolve(prefix + "out.txt").toFile())
        .redirectError(dir.resolve(prefix + "err.txt").toFile());
    return pb.start();
  }
}
