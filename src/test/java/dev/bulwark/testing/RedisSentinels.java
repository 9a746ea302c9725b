package dev.bulwark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Sentinel setup on loopback: a master, one replica of it and three sentinels watching it as {@link #MASTER}
 * (down after 1 s, quorum 2); {@link #close()} stops everything and removes the directories.
 */
public final class RedisSentinels implements AutoCloseable {

  public static final String MASTER = "mymaster";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  public final RedisProcess master;
  public final RedisProcess replica;
  private final List<Process> sentinels = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private RedisSentinels(RedisProcess master, RedisProcess replica, Path dir) {
    this.master = master;
    this.replica = replica;
    this.dir = dir;
  }

  /** Starts all five and waits until every sentinel knows the replica (so it can promote it). */
  public static RedisSentinels start() throws IOException, InterruptedException {
    RedisProcess master = RedisProcess.start();
    RedisProcess replica = RedisProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
    RedisSentinels setup = new RedisSentinels(master, replica, Files.createTempDirectory("bulwark-sentinel"));
    try {
      for (int i = 0; i < 3; i++) {
        setup.launch(RedisProcess.freePort());
      }
      for (int port : setup.ports) {
        setup.await(port, "SENTINEL REPLICAS " + MASTER, "*1");
      }
      return setup;
    } catch (IOException | InterruptedException | RuntimeException e) {
      setup.close();
      throw e;
    }
  }

  private void launch(int port) throws IOException {
    Path conf = dir.resolve("sentinel-" + port + ".conf");
    Files.writeString(conf, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "dir " + dir,
        "sentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 2",
        "sentinel down-after-milliseconds " + MASTER + " 1000",
        "sentinel failover-timeout " + MASTER + " 5000",
        "sentinel parallel-syncs " + MASTER + " 1", ""));
    sentinels.add(new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sentinel-" + port + ".log").toFile()))
        .start());
    ports.add(port);
  }

  private void await(int port, String command, String expected) throws IOException, InterruptedException {
    RedisProcess.awaitReply(port, command, expected, START_TIMEOUT, dir);
  }


  /** {@code redis://127.0.0.1:<port>} of every sentinel. */
  public List<String> endpoints() {
    return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      for (Process sentinel : sentinels) {
        sentinel.destroy();
        if (!sentinel.waitFor(5, TimeUnit.SECONDS)) {
          sentinel.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    } finally {
      try {
        replica.close();
      } finally {
        master.close();
      }
    }
  }
}
