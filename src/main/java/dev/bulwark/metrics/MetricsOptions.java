package dev.bulwark.metrics;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;

/** The {@code metrics} section: Prometheus exposition, on the main port or on a port of its own. */
public final class MetricsOptions {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PATH = "/metrics";
  public static final boolean DEFAULT_JVM = true;
  /** {@code metrics.port} value meaning "on the main port". */
  public static final int MAIN_PORT = -1;

  private final boolean enabled;
  private final String path;
  private final boolean jvm;
  private final int port;

  public MetricsOptions(Section s) throws ConfigException {
    enabled = s.bool("enabled", DEFAULT_ENABLED, "Records metrics and serves them for Prometheus.");
    path = s.string("path", DEFAULT_PATH, "Path of the Prometheus scrape on the main port.");
    jvm = s.bool("jvm", DEFAULT_JVM, "Adds JVM meters: memory, GC, threads, classes, CPU, open files, uptime.");
    port = s.integer("port", MAIN_PORT, -1, 65_535,
        "Port of a separate scrape server on `http.host` (0 picks a free one); -1 serves the scrape on the main port.");
    if (!path.matches("/[A-Za-z0-9._~/-]*")) {
      throw new ConfigException("metrics.path = \"" + path + "\": expected a path such as /metrics");
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public String path() {
    return path;
  }

  public boolean jvm() {
    return jvm;
  }

  /** The separate scrape port, or {@link #MAIN_PORT}. */
  public int port() {
    return port;
  }

  public boolean separatePort() {
    return port != MAIN_PORT;
  }
}
