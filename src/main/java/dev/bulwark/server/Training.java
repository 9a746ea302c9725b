package dev.bulwark.server;

import dev.bulwark.config.Key;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --train}: the short run {@code bin/bulwark} records a class-data archive from. It serves the given config on
 * free ports (main and admin, metrics on the main port, the admin token file in a temp dir, no readiness grace), so it
 * never collides with a running instance, sends each main route a few requests in-process, then shuts down. A route
 * that answers badly (TLS, a disabled feature) only loads fewer classes: the run still counts as done.
 */
final class Training {

  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final List<String> ROUTES = List.of("/hello", "/health/ready", "/health/live", "/metrics",
      "/demo/slow?ms=1", "/data/items?count=10", "/no-such-route");
  private static final int ROUNDS = 3;

  private Training() {
  }

  /** {@code env} with the overrides of a training run, which win over the same keys in files and variables. */
  static Map<String, String> environment(Map<String, String> env) throws IOException {
    Path tokenDir = Files.createTempDirectory("bulwark-train");
    tokenDir.toFile().deleteOnExit();
    tokenDir.resolve("admin.token").toFile().deleteOnExit();
    Map<String, String> overrides = Map.of("http.host", "127.0.0.1", "http.port", "0", "admin.port", "0",
        "admin.tokenFile", tokenDir.resolve("admin.token").toString(), "metrics.port", "-1",
        "shutdown.readinessGrace", "0s");
    Map<String, String> trained = new HashMap<>(env);
    overrides.forEach((path, value) -> {
      // Both spellings of a key may be set; remove both before putting one, or the loader refuses the pair.
      List<String> names = Key.envNames(path);
      trained.keySet().removeAll(names);
      trained.put(names.get(names.size() - 1), value);
    });
    return trained;
  }

  /** Serves, exercises the routes, shuts down; the status to exit with (0 once shut down cleanly). */
  static int run(BulwarkServer server) {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(WAIT).build();
    for (int round = 0; round < ROUNDS; round++) {
      for (String route : ROUTES) {
        request(client, URI.create("http://127.0.0.1:" + server.httpPort() + route));
      }
    }
    try {
      server.close().await();
      return 0;
    } catch (Throwable e) {
      System.err.println("bulwark: training shutdown failed: " + e.getMessage());
      return Main.EXIT_START;
    }
  }

  private static void request(HttpClient client, URI uri) {
    try {
      client.send(HttpRequest.newBuilder(uri).timeout(WAIT).build(), HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // Only fewer classes in the archive: the server is still trained on the routes that answered.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
