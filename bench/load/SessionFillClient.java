import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The session-fill attack: CLIENTS clients, each taking a session and filling it with KEYS values of VALUE_BYTES,
 * CONCURRENCY clients at a time; meanwhile GET /hello every 100 ms and the admin status every 250 ms. After the fill
 * it keeps watching until the level has been NORMAL for 2 s (at most WATCH_SECONDS). Prints one JSON line. Bench only,
 * loopback only: java -cp bench/work/classes SessionFillClient PORT ADMIN_PORT TOKEN CLIENTS KEYS VALUE_BYTES
 * CONCURRENCY WATCH_SECONDS
 */
public final class SessionFillClient {

  private static final Pattern LEVEL = Pattern.compile("\"level\" : \"([A-Z]+)\"");
  private static final Pattern SESSION_BYTES = Pattern.compile("\"store\" : \"local\",[^}]*\"bytes\" : (\\d+)");
  private static final Pattern EVICTIONS = Pattern.compile("\"evictions\" : (\\d+)\\s*}\\s*,\\s*\"budgets\"");

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int admin = Integer.parseInt(args[1]);
    String token = args[2];
    int clients = Integer.parseInt(args[3]);
    int keys = Integer.parseInt(args[4]);
    String value = "v".repeat(Integer.parseInt(args[5]));
    int concurrency = Integer.parseInt(args[6]);
    long watchMs = Long.parseLong(args[7]) * 1000;
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    String base = "http://127.0.0.1:" + port;
    Map<Integer, AtomicLong> putStatus = new ConcurrentHashMap<>();
    long start = System.nanoTime();
    Watch watch = new Watch(http, base, "http://127.0.0.1:" + admin + "/admin/status", token, start);
    Thread watcher = new Thread(watch::run, "watch");
    watcher.setDaemon(true);
    watcher.start();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    for (int c = 0; c < clients; c++) {
      pool.execute(() -> fill(http, base, keys, value, putStatus));
    }
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.MINUTES);
    long fillEnd = System.nanoTime();
    watch.fillEndMs = (fillEnd - start) / 1_000_000;
    long deadline = fillEnd + watchMs * 1_000_000;
    while (System.nanoTime() < deadline && !watch.normalFor(2000)) {
      Thread.sleep(100); // waiting for the server to settle; bench client only
    }
    watch.stop = true;
    watcher.join(5000);
    System.out.println(watch.json(putStatus));
  }

  private static void fill(HttpClient http, String base, int keys, String value, Map<Integer, AtomicLong> status) {
    try {
      HttpResponse<String> first = http.send(HttpRequest.newBuilder(URI.create(base + "/session")).build(),
          HttpResponse.BodyHandlers.ofString());
      String cookie = first.headers().firstValue("set-cookie").map(c -> c.split(";", 2)[0]).orElse(null);
      if (cookie == null) {
        status.computeIfAbsent(first.statusCode(), k -> new AtomicLong()).incrementAndGet();
        return;
      }
      for (int k = 0; k < keys; k++) {
        HttpResponse<Void> put = http.send(HttpRequest.newBuilder(URI.create(base + "/session/data/k" + k))
            .header("Cookie", cookie).PUT(HttpRequest.BodyPublishers.ofString(value)).build(),
            HttpResponse.BodyHandlers.discarding());
        status.computeIfAbsent(put.statusCode(), s -> new AtomicLong()).incrementAndGet();
      }
    } catch (Exception e) {
      status.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
    }
  }

  /** Probes /hello and samples the level and the session bytes until stopped. */
  private static final class Watch {
    final HttpClient http;
    final String hello;
    final String status;
    final String token;
    final long start;
    volatile boolean stop;
    volatile long fillEndMs = -1;
    volatile String level = "NORMAL";
    volatile long normalSince;
    final AtomicInteger probes = new AtomicInteger();
    final AtomicInteger probeFailures = new AtomicInteger();
    long failStreakStart = -1;
    long longestFailStreakMs;
    long maxSessionBytes;
    long evictions;
    long lastNotNormalMs = -1;
    final Map<String, AtomicLong> levelSamples = new ConcurrentHashMap<>();

    Watch(HttpClient http, String base, String status, String token, long start) {
      this.http = http;
      this.hello = base + "/hello";
      this.status = status;
      this.token = token;
      this.start = start;
      this.normalSince = start;
    }

    long now() {
      return (System.nanoTime() - start) / 1_000_000;
    }

    boolean normalFor(long ms) {
      return level.equals("NORMAL") && (System.nanoTime() - normalSince) / 1_000_000 >= ms;
    }

    void run() {
      long nextStatus = 0;
      while (!stop) {
        probe();
        if (now() >= nextStatus) {
          sample();
          nextStatus = now() + 250;
        }
        try {
          Thread.sleep(100); // the probe's period
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void probe() {
      int code;
      try {
        code = http.send(HttpRequest.newBuilder(URI.create(hello)).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.discarding()).statusCode();
      } catch (Exception e) {
        code = -1;
      }
      probes.incrementAndGet();
      long t = now();
      if (code != 200) {
        probeFailures.incrementAndGet();
        if (failStreakStart < 0) {
          failStreakStart = t;
        }
        longestFailStreakMs = Math.max(longestFailStreakMs, t - failStreakStart);
      } else {
        failStreakStart = -1;
      }
    }

    void sample() {
      try {
        String body = http.send(HttpRequest.newBuilder(URI.create(status)).header("Authorization", "Bearer " + token)
            .build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = LEVEL.matcher(body);
        if (m.find()) {
          String l = m.group(1);
          if (!l.equals("NORMAL")) {
            lastNotNormalMs = now();
          } else if (!level.equals("NORMAL")) {
            normalSince = System.nanoTime();
          }
          level = l;
          levelSamples.computeIfAbsent(l, k -> new AtomicLong()).incrementAndGet();
        }
        Matcher b = SESSION_BYTES.matcher(body);
        if (b.find()) {
          maxSessionBytes = Math.max(maxSessionBytes, Long.parseLong(b.group(1)));
        }
        Matcher e = EVICTIONS.matcher(body);
        if (e.find()) {
          evictions = Long.parseLong(e.group(1));
        }
      } catch (Exception ignored) {
        // a missed sample
      }
    }

    String json(Map<Integer, AtomicLong> puts) {
      StringBuilder p = new StringBuilder("{");
      puts.forEach((k, v) -> p.append(p.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v.get()));
      p.append('}');
      StringBuilder l = new StringBuilder("{");
      levelSamples.forEach((k, v) -> l.append(l.length() > 1 ? "," : "").append('"').append(k).append("\":")
          .append(v.get()));
      l.append('}');
      long recovered = lastNotNormalMs < 0 ? 0 : Math.max(0, lastNotNormalMs - fillEndMs);
      return "{\"fillMs\":" + fillEndMs + ",\"puts\":" + p + ",\"levelSamples\":" + l + ",\"lastNotNormalMs\":"
          + lastNotNormalMs + ",\"normalAfterFillMs\":" + recovered + ",\"probes\":" + probes.get()
          + ",\"probeFailures\":" + probeFailures.get() + ",\"longestProbeFailureMs\":" + longestFailStreakMs
          + ",\"maxSessionBytes\":" + maxSessionBytes + ",\"evictions\":" + evictions + "}";
    }
  }
}
