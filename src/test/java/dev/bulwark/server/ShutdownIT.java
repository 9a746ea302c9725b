package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.JarProcess;
import dev.bulwark.testing.RawHttp;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shutdown as an orchestrator drives it: the real fat jar in a child JVM, stopped with real signals. Readiness is
 * DOWN during the readiness grace while the port still serves, then new connections are refused while a request in
 * progress finishes, and the exit status is 0; a request outlasting the timeout is named by route and the status is 1;
 * a second signal exits at once with 130. Every wait is bounded; every child is ended.
 */
class ShutdownIT {

  private static final String TOKEN = "shutdown-it-0123456789abcdef";
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Pattern SHUTTING_DOWN = Pattern.compile("Shutting down: readiness DOWN");

  @TempDir
  Path dir;

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(WAIT).build();

  @Test
  void sigtermTurnsReadinessDownServesThroughTheGraceThenDrainsAndExitsZero() throws Exception {
    try (JarProcess server = JarProcess.start(dir, config("1s", "5s").put("files",
        new JsonObject().put("root", dir.toString())))) {
      String log = server.awaitStarted();
      int port = JarProcess.port(JarProcess.HTTP_PORT, log);
      CompletableFuture<HttpResponse<String>> slow = getAsync(port, "/demo/slow?ms=1500");
      awaitInFlight(JarProcess.port(JarProcess.ADMIN_PORT, log), 1);

      long signalled = System.nanoTime();
      server.signal("TERM");
      HttpResponse<String> ready = get(port, "/health/ready");
      while (ready.statusCode() == 200 && System.nanoTime() - signalled < WAIT.toNanos()) {
        ready = get(port, "/health/ready");
      }
      long downAfterMs = millisSince(signalled);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(ready.body()))
          .isEqualTo(new JsonObject().put("status", "DOWN").put("reasons", List.of("draining")));
      assertThat(get(port, "/hello").statusCode()).as("a new request in the grace is served").isEqualTo(200);
      assertThat(downAfterMs).as("readiness DOWN within the 1 s grace").isLessThan(1000);

      while (!RawHttp.refused(port) && System.nanoTime() - signalled < WAIT.toNanos()) {
        Thread.sleep(10); // polling a child process; connecting in a tight loop would flood the port it watches
      }
      assertThat(RawHttp.refused(port)).as("new connections refused after the grace").isTrue();
      assertThat(millisSince(signalled)).as("not before the grace had passed").isGreaterThanOrEqualTo(1000);

      HttpResponse<String> finished = slow.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(finished.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(finished.body()).getLong("sleptMs")).isEqualTo(1500);
      assertThat(server.exitStatus(WAIT)).as("clean shutdown").isZero();
      String out = server.out();
      assertThat(out).contains("Shutting down: readiness DOWN for 1000 ms, then draining for up to 5000 ms")
          .contains("every request in progress finished");
      assertThat(out.lines()).noneMatch(line -> line.contains(" ERROR ") || line.contains(" WARN "));
    }
  }

  @Test
  void requestsOutlastingTheTimeoutAreNamedByRouteAndTheExitStatusIsOne() throws Exception {
    try (JarProcess server = JarProcess.start(dir, config("0s", "1s"))) {
      String log = server.awaitStarted();
      int port = JarProcess.port(JarProcess.HTTP_PORT, log);
      List<CompletableFuture<HttpResponse<String>>> slow = List.of(getAsync(port, "/demo/slow?ms=10000"),
          getAsync(port, "/demo/slow?ms=10000"));
      awaitInFlight(JarProcess.port(JarProcess.ADMIN_PORT, log), 2);

      server.signal("INT");
      assertThat(server.exitStatus(WAIT)).as("requests were cut").isEqualTo(1);
      assertThat(server.out().lines()).anySatisfy(line -> assertThat(line).contains(" WARN ")
          .contains("Shutdown timeout (1000 ms, shutdown.timeout) passed with 2 requests still open, now cut: "
              + "GET /demo/slow: 2"));
      for (CompletableFuture<HttpResponse<String>> cut : slow) {
        assertThat(cut).failsWithin(WAIT).withThrowableOfType(ExecutionException.class)
            .withCauseInstanceOf(IOException.class);
      }
    }
  }

  @Test
  void aSecondSignalExitsAtOnceWithStatus130() throws Exception {
    try (JarProcess server = JarProcess.start(dir, config("30s", "30s"))) {
      server.awaitStarted();
      server.signal("TERM");
      server.awaitLog(SHUTTING_DOWN);
      long second = System.nanoTime();
      server.signal("INT");
      assertThat(server.exitStatus(WAIT)).isEqualTo(130);
      assertThat(millisSince(second)).as("at once, not after the 30 s grace").isLessThan(5000);
      assertThat(server.out()).contains("Second signal (SIGINT) during the shutdown: exiting now with status 130");
    }
  }

  private static JsonObject config(String readinessGrace, String timeout) {
    return new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("admin", new JsonObject().put("port", 0).put("token", TOKEN))
        .put("shutdown", new JsonObject().put("readinessGrace", readinessGrace).put("timeout", timeout))
        // The child JVM tracks every buffer as the tests do: a leak would be an ERROR line in its log.
        .put("leaks", new JsonObject().put("nettyLevel", "PARANOID"));
  }

  private CompletableFuture<HttpResponse<String>> getAsync(int port, String path) {
    return client.sendAsync(request(port, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return client.send(request(port, path).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(WAIT);
  }

  /** Until {@code n} requests are admitted, so the signal finds them in progress. */
  private void awaitInFlight(int adminPort, int n) throws IOException, InterruptedException {
    HttpRequest status = request(adminPort, "/admin/status").header("Authorization", "Bearer " + TOKEN).build();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (new JsonObject(client.send(status, HttpResponse.BodyHandlers.ofString()).body())
        .getJsonObject("http").getInteger("inFlight") < n) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n + " requests never in flight");
      }
      Thread.onSpinWait();
    }
  }

  private static long millisSince(long begin) {
    return (System.nanoTime() - begin) / 1_000_000;
  }
}
