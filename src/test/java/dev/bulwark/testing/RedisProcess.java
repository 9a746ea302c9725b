package dev.bulwark.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} on a free loopback port, with no persistence, for tests that need Redis. Nothing assumes a
 * Redis on 6379; each test's server is stopped (and its directory removed) by {@link #close()}.
 */
public final class RedisProcess implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

  private Process process;
  private final int port;
  private final Path dir;
  private final List<String> extra;

  private RedisProcess(int port, Path dir, List<String> extra) throws IOException {
    this.port = port;
    this.dir = dir;
    this.extra = extra;
    this.process = launch();
  }

  /** A server; {@code extra} are more {@code redis-server} options, e.g. {@code --replicaof 127.0.0.1 6379}. */
  public static RedisProcess start(String... extra) throws IOException, InterruptedException {
    RedisProcess redis = new RedisProcess(freePort(), Files.createTempDirectory("bulwark-redis"), List.of(extra));
    redis.awaitPing();
    return redis;
  }

  private Process launch() throws IOException {
    List<String> args = new java.util.ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
        "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString()));
    args.addAll(extra);
    return new ProcessBuilder(args)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
        .start();
  }

  /** Stops the server, as a crash or a restart would; {@link #restart()} brings it back on the same port. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  public void restart() throws IOException, InterruptedException {
    process = launch();
    awaitPing();
  }

  private void awaitPing() throws IOException, InterruptedException {
    RedisProcess redis = this;
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (redis.command("PING").equals("+PONG")) {
          return;
        }
      } catch (IOException notYet) {
        if (!redis.process.isAlive()) {
          break;
        }
        Thread.sleep(20); // polling a child process start-up, not a timing assumption
      }
    }
    throw new IOException("redis-server did not answer PING on port " + port + "; see " + dir.resolve("redis.log"));
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Sends one inline command and returns the first line of the reply. */
  public String command(String inline) throws IOException {
    return exchange(port, inline, false);
  }

  /** Sends one inline command to the server on {@code port}; returns its reply's first line, a bulk string whole. */
  public static String reply(int port, String inline) throws IOException {
    return exchange(port, inline, true);
  }

  /**
   * Waits up to {@code timeout} for the server on {@code port} to answer {@code command} with a reply containing
   * {@code expected}; the failure names {@code logs}.
   */
  public static void awaitReply(int port, String command, String expected, Duration timeout, Path logs)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (reply(port, command).contains(expected)) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50); // polling child processes coming up, not a timing assumption
    }
    throw new IOException("port " + port + " never answered " + expected + " to " + command + "; see " + logs);
  }

  private static String exchange(int port, String inline, boolean wholeBulk) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(5000);
      OutputStream out = socket.getOutputStream();
      out.write((inline + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          line.append((char) c);
        }
      }
      if (!wholeBulk || line.length() < 2 || line.charAt(0) != '$' || line.charAt(1) == '-') {
        return line.toString();
      }
      return new String(in.readNBytes(Integer.parseInt(line.substring(1))), StandardCharsets.UTF_8);
    }
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
