package dev.bulwark.metrics;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Options of the Prometheus exposition, on the main port or on a port of its own. A new object holds the defaults;
 * every setter rejects a value outside its range with an {@link IllegalArgumentException} naming the field.
 */
public final class MetricsOptions {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PATH = "/metrics";
  /** What a scrape path may look like. */
  public static final String PATH_PATTERN = "/[A-Za-z0-9._~/-]*";
  public static final boolean DEFAULT_JVM = true;
  /** {@code metrics.port} value meaning "on the main port". */
  public static final int MAIN_PORT = -1;
  public static final int DEFAULT_PORT = MAIN_PORT;
  public static final int MIN_PORT = MAIN_PORT;
  public static final int MAX_PORT = 65_535;

  /**
   * Upper bounds of the request-latency histogram's buckets (a 1-2-5 series, like Prometheus client defaults, from
   * 1 ms to 30 s); every histogram also has a {@code +Inf} bucket.
   */
  public static final List<Duration> DEFAULT_LATENCY_BUCKETS = List.of(Duration.ofMillis(1), Duration.ofMillis(2),
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));
  public static final int MAX_LATENCY_BUCKETS = 30;
  public static final Duration MIN_LATENCY_BUCKET = Duration.ofMillis(1);
  public static final Duration MAX_LATENCY_BUCKET = Duration.ofHours(1);
  /** Distinct values one tag of one meter may take before new ones fold into {@code other}. */
  public static final int DEFAULT_MAX_TAG_VALUES = 100;
  /**
   * Above every fixed set Bulwark's own meters tag with (the largest, rejection reasons and JVM memory pools, have
   * about a dozen): those must never fold, or two of their function meters would share one id and one be dropped.
   */
  public static final int MIN_MAX_TAG_VALUES = 32;
  public static final int MAX_MAX_TAG_VALUES = 10_000;

  private boolean enabled = DEFAULT_ENABLED;
  private String path = DEFAULT_PATH;
  private boolean jvm = DEFAULT_JVM;
  private int port = DEFAULT_PORT;
  private List<Duration> latencyBuckets = DEFAULT_LATENCY_BUCKETS;
  private int maxTagValues = DEFAULT_MAX_TAG_VALUES;

  /** The defaults. */
  public MetricsOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public MetricsOptions(MetricsOptions other) {
    enabled = other.enabled;
    path = other.path;
    jvm = other.jvm;
    port = other.port;
    latencyBuckets = other.latencyBuckets;
    maxTagValues = other.maxTagValues;
  }

  public boolean enabled() {
    return enabled;
  }

  public MetricsOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public String path() {
    return path;
  }

  /** A path matching {@link #PATH_PATTERN}, such as {@code /metrics}. */
  public MetricsOptions setPath(String path) {
    if (path == null || !path.matches(PATH_PATTERN)) {
      throw new IllegalArgumentException("path = " + path + ": expected a path such as /metrics");
    }
    this.path = path;
    return this;
  }

  public boolean jvm() {
    return jvm;
  }

  public MetricsOptions setJvm(boolean jvm) {
    this.jvm = jvm;
    return this;
  }

  /** The separate scrape port, or {@link #MAIN_PORT}. */
  public int port() {
    return port;
  }

  /** A port of its own (0 picks a free one), or {@link #MAIN_PORT}. */
  public MetricsOptions setPort(int port) {
    if (port < MIN_PORT || port > MAX_PORT) {
      throw new IllegalArgumentException("port = " + port + ": expected " + MIN_PORT + " to " + MAX_PORT);
    }
    this.port = port;
    return this;
  }

  public List<Duration> latencyBuckets() {
    return latencyBuckets;
  }

  /** 1 to {@link #MAX_LATENCY_BUCKETS} strictly ascending bounds, each within the MIN/MAX_LATENCY_BUCKET range. */
  public MetricsOptions setLatencyBuckets(List<Duration> bounds) {
    if (bounds == null || bounds.isEmpty() || bounds.size() > MAX_LATENCY_BUCKETS) {
      throw new IllegalArgumentException("latencyBuckets: expected 1 to " + MAX_LATENCY_BUCKETS + " bounds");
    }
    for (int i = 0; i < bounds.size(); i++) {
      Duration d = bounds.get(i);
      if (d.compareTo(MIN_LATENCY_BUCKET) < 0 || d.compareTo(MAX_LATENCY_BUCKET) > 0
          || (i > 0 && d.compareTo(bounds.get(i - 1)) <= 0)) {
        throw new IllegalArgumentException("latencyBuckets = " + bounds + ": expected strictly ascending bounds from "
            + MIN_LATENCY_BUCKET + " to " + MAX_LATENCY_BUCKET);
      }
    }
    this.latencyBuckets = List.copyOf(bounds);
    return this;
  }

  public int maxTagValues() {
    return maxTagValues;
  }

  public MetricsOptions setMaxTagValues(int maxTagValues) {
    if (maxTagValues < MIN_MAX_TAG_VALUES || maxTagValues > MAX_MAX_TAG_VALUES) {
      throw new IllegalArgumentException("maxTagValues = " + maxTagValues + ": expected " + MIN_MAX_TAG_VALUES
          + " to " + MAX_MAX_TAG_VALUES);
    }
    this.maxTagValues = maxTagValues;
    return this;
  }

  public boolean separatePort() {
    return port != MAIN_PORT;
  }

  /** These options under the keys of the {@code metrics} config section. */
  public JsonObject toJson() {
    JsonArray buckets = new JsonArray();
    latencyBuckets.forEach(d -> buckets.add(d.toMillis() + "ms"));
    return new JsonObject().put("enabled", enabled).put("path", path).put("jvm", jvm).put("port", port)
        .put("latencyBuckets", buckets).put("maxTagValues", maxTagValues);
  }
}
