package dev.bulwark.config;

/** The {@code metrics} section: Prometheus exposition on the main port. */
public final class MetricsOptions {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_PATH = "/metrics";
  public static final boolean DEFAULT_JVM = true;

  private final boolean enabled;
  private final String path;
  private final boolean jvm;

  MetricsOptions(Section s) throws ConfigException {
    enabled = s.bool("enabled", DEFAULT_ENABLED, "Records metrics and serves them for Prometheus.");
    path = s.string("path", DEFAULT_PATH, "Path of the Prometheus scrape on the main port.");
    jvm = s.bool("jvm", DEFAULT_JVM, "Adds JVM meters: memory, GC, threads, classes, CPU, open files, uptime.");
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
}
