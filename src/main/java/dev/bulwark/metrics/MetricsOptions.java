package dev.bulwark.metrics;

import io.vertx.core.json.JsonObject;

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

  private boolean enabled = DEFAULT_ENABLED;
  private String path = DEFAULT_PATH;
  private boolean jvm = DEFAULT_JVM;
  private int port = DEFAULT_PORT;

  /** The defaults. */
  public MetricsOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public MetricsOptions(MetricsOptions other) {
    enabled = other.enabled;
    path = other.path;
    jvm = other.jvm;
    port = other.port;
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

  public boolean separatePort() {
    return port != MAIN_PORT;
  }

  /** These options under the keys of the {@code metrics} config section. */
  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("path", path).put("jvm", jvm).put("port", port);
  }
}
