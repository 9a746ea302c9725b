package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.Pipelined;
import dev.bulwark.testing.PrometheusText;
import dev.bulwark.testing.Promtool;
import dev.bulwark.testing.RedisProcess;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scrape as Prometheus reads it, on a server with Redis behind it: Debian's {@code promtool check metrics} accepts
 * it after traffic on every route; p99 by route computed from the buckets agrees with what the client measured; and
 * hundreds of thousands of distinct paths and keys leave the number of series and the scrape's size where they were.
 */
class PrometheusScrapeTest {

  private static final Pattern BUCKET = Pattern.compile(
      "http_server_requests_seconds_bucket\\{method=\"GET\",route=\"/demo/slow\",status=\"2xx\",le=\"([^\"]+)\"} (\\S+)");

  private static RedisProcess redis;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    redis = RedisProcess.start();
    Path uploads = Files.createTempDirectory("bulwark-scrape-uploads");
    server = TestServer.start(new JsonObject()
        .put("redis", new JsonObject().put("url", redis.url()))
        .put("uploads", new JsonObject().put("dir", uploads.toString()))
        .put("caches", new JsonObject().put("c", new JsonObject().put("maxWeight", "1MiB"))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    redis.close();
  }

  @Test
  void promtoolAcceptsTheScrapeAfterTrafficOnEveryRoute() throws Exception {
    visitEveryRoute();
    String scrape = server.get("/metrics").body();
    PrometheusText.validate(scrape);
    assertThat(promtool(scrape)).as("promtool check metrics").isEmpty();
    // Every guardrail's meters, named by Prometheus conventions (base units, _total, _bytes, _seconds).
    assertThat(scrape).contains("http_server_requests_seconds_bucket{", "http_server_responses_total{",
        "bulwark_http_in_flight ", "bulwark_http_connections ", "bulwark_http_connections_refused_total",
        "bulwark_http_head_timeouts_total", "bulwark_http_rejected_total", "bulwark_shed_total",
        "bulwark_budget_used_bytes", "bulwark_budget_limit_bytes", "bulwark_budget_trips_total",
        "bulwark_memory_pressure_level", "bulwark_memory_signal", "bulwark_scope_open", "bulwark_scope_released_total",
        "bulwark_cache_weight_bytes", "cache_gets_total", "bulwark_pool_acquire_wait_seconds",
        "bulwark_leak_status", "bulwark_leak_alerts_total", "bulwark_event_loop_delay_seconds",
        "bulwark_netty_leaks_total", "bulwark_metrics_tag_values_folded_total", "bulwark_build_info{",
        "jvm_memory_used_bytes");
  }

  @Test
  void p99ByRouteFromTheBucketsMatchesTheClientSide() throws Exception {
    List<Long> clientNanos = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // 95 fast answers and 5 slow ones: the 99th percentile is a slow one, 300 ms and a little more.
      long begin = System.nanoTime();
      HttpResponse<String> r = server.get("/demo/slow?ms=" + (i % 20 == 0 ? 300 : 1));
      clientNanos.add(System.nanoTime() - begin);
      assertThat(r.statusCode()).isEqualTo(200);
    }
    long[] sorted = clientNanos.stream().mapToLong(Long::longValue).sorted().toArray();
    double clientP99 = sorted[(int) Math.ceil(0.99 * sorted.length) - 1] / 1e9;
    double serverP99 = histogramQuantile(0.99, server.get("/metrics").body());
    System.out.printf("p99 of /demo/slow: %.3f s from the buckets, %.3f s measured by the client%n", serverP99,
        clientP99);
    // Both in the (0.2 s, 0.5 s] bucket, and the server's never above what the client waited.
    assertThat(clientP99).isBetween(0.3, 0.5);
    assertThat(serverP99).isBetween(0.2, 0.5).isLessThanOrEqualTo(0.5);
    assertThat(Math.abs(serverP99 - clientP99)).as("server p99 %s s, client p99 %s s", serverP99, clientP99)
        .isLessThan(0.3);
  }

  @Test
  void distinctPathsAndCacheKeysKeepTheSeriesAndTheScrapeBounded() throws Exception {
    // Some of each first (enough for the allocation sampler too), and a scrape, so the series these requests may add
    // already exist when the "before" figures are taken.
    Pipelined.send(server.port(), 1_000, i -> get("/unknown/first"));
    Pipelined.send(server.port(), 1_000, i -> put("/cache/c/first"));
    server.get("/metrics");
    String before = server.get("/metrics").body();
    Map<Integer, Integer> unknown = Pipelined.send(server.port(), 100_000, i -> get("/unknown/" + i + "/p"));
    Map<Integer, Integer> keys = Pipelined.send(server.port(), 100_000, i -> put("/cache/c/key-" + i));
    String after = server.get("/metrics").body();
    assertThat(unknown).containsEntry(404, 100_000);
    assertThat(keys).containsEntry(204, 100_000);
    int seriesBefore = series(before);
    int seriesAfter = series(after);
    System.out.printf("cardinality: series %d -> %d, scrape %d -> %d bytes, after 100,000 unknown paths and 100,000 "
        + "distinct cache keys%n", seriesBefore, seriesAfter, bytes(before), bytes(after));
    // JVM gauges may come and go (a buffer pool, a GC); requests add none.
    assertThat(seriesAfter).isLessThanOrEqualTo(seriesBefore + 8);
    assertThat(bytes(after)).isLessThan(bytes(before) + 4096);
    assertThat(after).doesNotContain("key-", "/unknown/");
  }

  private static void visitEveryRoute() throws Exception {
    String[] gets = {"/hello", "/demo/timer?ms=20", "/demo/event?ms=5", "/demo/slow?ms=5", "/critical/data",
        "/cache/default/absent", "/cache/nope/k", "/files/absent.txt", "/data/items?count=3",
        "/data/items?count=-1", "/db/pool", "/session", "/session/data/k", "/health/live", "/health/ready", "/health",
        "/metrics", "/lab/leak/timer", "/no/such/route"};
    for (String path : gets) {
      assertThat(server.get(path).statusCode()).as(path).isLessThan(500);
    }
    send("PUT", "/cache/default/k", "v");
    send("DELETE", "/cache/default/k", "");
    send("PUT", "/session/data/k", "v");
    send("DELETE", "/session/data/k", "");
    assertThat(server.post("/db/counters/scrape/incr", "").statusCode()).isEqualTo(200);
    HttpResponse<String> upload = server.client().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/uploads"))
        .header("Content-Type", "multipart/form-data; boundary=b")
        .POST(HttpRequest.BodyPublishers.ofString("--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\""
            + "\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(upload.statusCode()).isEqualTo(201);
    String id = new JsonObject(upload.body()).getJsonArray("files").getJsonObject(0).getString("id");
    assertThat(server.get("/uploads/" + id).statusCode()).isEqualTo(200);
    send("DELETE", "/uploads/" + id, "");
    send("POST", "/hello", "x".repeat(64));
  }

  private static void send(String method, String path, String body) throws Exception {
    server.client().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** What {@code promtool check metrics} prints about {@code scrape}: nothing when it is clean. */
  private static String promtool(String scrape) throws IOException, InterruptedException {
    return Promtool.run(scrape, "check", "metrics").strip();
  }

  /** Prometheus' histogram_quantile over the /demo/slow buckets: linear within the bucket the rank falls in. */
  static double histogramQuantile(double q, String scrape) {
    List<double[]> buckets = new ArrayList<>();
    Matcher m = BUCKET.matcher(scrape);
    while (m.find()) {
      buckets.add(new double[] {m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1)),
          Double.parseDouble(m.group(2))});
    }
    double total = buckets.get(buckets.size() - 1)[1];
    double rank = q * total;
    double lower = 0;
    double below = 0;
    for (double[] b : buckets) {
      if (b[1] >= rank) {
        return lower + (b[0] - lower) * (rank - below) / (b[1] - below);
      }
      lower = b[0];
      below = b[1];
    }
    throw new AssertionError("no bucket in " + Arrays.toString(buckets.toArray()));
  }

  private static int series(String scrape) {
    return (int) scrape.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
  }

  private static int bytes(String scrape) {
    return scrape.getBytes(StandardCharsets.UTF_8).length;
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  private static String put(String path) {
    return "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nv";
  }
}
