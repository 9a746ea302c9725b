package dev.bulwark.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real fat jar ({@code target/bulwark.jar}, built by {@code package}) in a child JVM, as an operator runs it:
 * {@code java -jar bulwark.jar --config cfg.json} in a directory of its own, stdout in {@code out.txt} and stderr in
 * {@code err.txt} there. For the integration tests ({@code *IT}); every wait is bounded, and {@link #close()} ends the
 * child however the test went.
 */
public final class JarProcess implements AutoCloseable {

  public static final Pattern HTTP_PORT = Pattern.compile("Bulwark listening on 127\\.0\\.0\\.1:(\\d+)");
  public static final Pattern ADMIN_PORT = Pattern.compile("Admin port on 127\\.0\\.0\\.1:(\\d+)");
  private static final Duration START_WAIT = Duration.ofSeconds(30);

  private final Process process;
  private final Path dir;

  private JarProcess(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
  }

  /** The fat jar the build made (failsafe passes {@code bulwark.fatJar}), absolute; fails when it is not there. */
  public static Path fatJar() throws IOException {
    Path fatJar = Path.of(System.getProperty("bulwark.fatJar", "target/bulwark.jar")).toAbsolutePath();
    if (!Files.isRegularFile(fatJar)) {
      throw new IOException("the fat jar " + fatJar + " is missing: integration tests run after package");
    }
    return fatJar;
  }

  /** Starts the jar in {@code dir} with {@code config} written to {@code cfg.json} there; no BULWARK_* variable. */
  public static JarProcess start(Path dir, JsonObject config) throws IOException {
    return start(dir, config, List.of());
  }

  /** As {@link #start(Path, JsonObject)}, with {@code jvmOptions} (such as {@code -Xlog:...}) before {@code -jar}. */
  public static JarProcess start(Path dir, JsonObject config, List<String> jvmOptions) throws IOException {
    Path fatJar = fatJar();
    Path cfg = Files.writeString(dir.resolve("cfg.json"), config.encodePrettily());
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", fatJar.toString(), "--config", cfg.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BULWARK_"));
    pb.redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
    return new JarProcess(pb.start(), dir);
  }

  /** What the child printed on stdout (its log) so far. */
  public String out() throws IOException {
    return Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8);
  }

  public String err() throws IOException {
    return Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8);
  }

  /** The log once every pattern has matched in it; fails (with both outputs) if the child exits or it takes 30 s. */
  public String awaitLog(Pattern... patterns) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      String log = out();
      if (java.util.Arrays.stream(patterns).allMatch(p -> p.matcher(log).find())) {
        return log;
      }
      if (!process.isAlive()) {
        break;
      }
      Thread.sleep(20); // polling a child process's output
    }
    throw new AssertionError("bulwark never logged " + List.of(patterns) + "; status "
        + (process.isAlive() ? "running" : process.exitValue()) + "\nstdout: " + out() + "\nstderr: " + err());
  }

  /** The log once both ports are bound. */
  public String awaitStarted() throws IOException, InterruptedException {
    return awaitLog(HTTP_PORT, ADMIN_PORT);
  }

  /** The number {@code pattern}'s first group captured in {@code log}. */
  public static int port(Pattern pattern, String log) {
    Matcher m = pattern.matcher(log);
    if (!m.find()) {
      throw new AssertionError("no " + pattern + " in the log:\n" + log);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Sends {@code signal} (TERM, INT) to the child, as {@code kill -SIGNAL pid} does. */
  public void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
    }
  }

  /** The exit status, waiting at most {@code wait}; fails if the child is still running then. */
  public int exitStatus(Duration wait) throws InterruptedException, IOException {
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("bulwark still running after " + wait + "\nstdout: " + out());
    }
    return process.exitValue();
  }

  /** SIGTERM, then a kill if it has not exited in 30 s. */
  @Override
  public void close() throws InterruptedException {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
