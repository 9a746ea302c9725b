package dev.bulwark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real three-master Redis Cluster ({@code redis-server --cluster-enabled yes} x3, joined by
 * {@code redis-cli --cluster create}) on free loopback ports, without persistence; {@link #close()} stops every node
 * and removes their directories.
 */
public final class RedisCluster implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final List<Process> nodes = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Path dir;

  private RedisCluster(Path dir) {
    this.dir = dir;
  }

  /** Starts three masters, splits the 16384 slots between them and waits for {@code cluster_state:ok}. */
  public static RedisCluster start() throws IOException, InterruptedException {
    RedisCluster cluster = new RedisCluster(Files.createTempDirectory("bulwark-cluster"));
    try {
      for (int i = 0; i < 3; i++) {
        cluster.launch(RedisProcess.freePort());
      }
      for (int port : cluster.ports) {
        cluster.await(port, "PING", "+PONG");
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      cluster.ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      Process joined = new ProcessBuilder(create).redirectErrorStream(true)
          .redirectOutput(cluster.dir.resolve("create.log").toFile()).start();
      if (!joined.waitFor(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || joined.exitValue() != 0) {
        throw new IOException("redis-cli --cluster create failed; see " + cluster.dir.resolve("create.log"));
      }
      for (int port : cluster.ports) {
        cluster.await(port, "CLUSTER INFO", "cluster_state:ok");
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void launch(int port) throws IOException {
    Path nodeDir = Files.createDirectories(dir.resolve(Integer.toString(port)));
    nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf", "--save", "",
        "--appendonly", "no", "--dir", nodeDir.toString())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("redis.log").toFile()))
        .start());
    ports.add(port);
  }

  private void await(int port, String command, String expected) throws IOException, InterruptedException {
    RedisProcess.awaitReply(port, command, expected, START_TIMEOUT, dir);
  }


  /** The masters' ports. */
  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** {@code redis://127.0.0.1:<port>} of every master. */
  public List<String> endpoints() {
    return ports.stream().map(p -> "redis://127.0.0.1:" + p).toList();
  }

  /** The keys a master holds ({@code DBSIZE}). */
  public long keys(int port) throws IOException {
    return Long.parseLong(RedisProcess.reply(port, "DBSIZE").replaceAll("[^0-9]", ""));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    for (Process node : nodes) {
      node.destroy();
    }
    for (Process node : nodes) {
      if (!node.waitFor(5, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
