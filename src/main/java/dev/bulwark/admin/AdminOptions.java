package dev.bulwark.admin;

import dev.bulwark.spi.Ranges;
import dev.bulwark.tls.TlsOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Options of the separate, token-protected admin port. A new object holds the defaults; every setter rejects a value
 * outside its range with an {@link IllegalArgumentException} naming the field, and never puts the token in a message.
 */
public final class AdminOptions {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;
  public static final int MIN_PORT = 0;
  public static final int MAX_PORT = 65_535;
  /** Empty: a token is generated at start. */
  public static final String DEFAULT_TOKEN = "";
  /** A configured token shorter than this is refused: it could be guessed. */
  public static final int MIN_TOKEN_LENGTH = 16;
  public static final String DEFAULT_TOKEN_FILE = "var/admin.token";
  /** Rows a histogram or diff answer may hold: {@code ?top=N} is capped by it. */
  public static final int DEFAULT_MAX_HISTOGRAM_ROWS = 200;
  public static final int MIN_MAX_HISTOGRAM_ROWS = 1;
  public static final int MAX_MAX_HISTOGRAM_ROWS = 100_000;
  public static final String DEFAULT_DUMP_DIR = "var/dumps";
  /** Heap dumps kept in {@code dumpDir}; the oldest beyond it are deleted. */
  public static final int DEFAULT_MAX_DUMPS = 3;
  public static final int MIN_MAX_DUMPS = 1;
  public static final int MAX_MAX_DUMPS = 100;
  /** Longest JFR recording {@code /admin/profile?seconds=N} may ask for. */
  public static final int DEFAULT_MAX_PROFILE_SECONDS = 120;
  public static final int MIN_MAX_PROFILE_SECONDS = 1;
  public static final int MAX_MAX_PROFILE_SECONDS = 3600;
  /** Longest logger name {@code /admin/loggers/{name}} accepts (400 {@code bad_logger} above it). */
  public static final int DEFAULT_MAX_LOGGER_NAME_LENGTH = 256;
  public static final int MIN_MAX_LOGGER_NAME_LENGTH = 16;
  public static final int MAX_MAX_LOGGER_NAME_LENGTH = 2048;

  /** Samples the dashboard's time series keeps (the oldest is dropped): 300 at 1 s is five minutes. */
  public static final int DEFAULT_DASHBOARD_SAMPLES = 300;
  public static final int MIN_DASHBOARD_SAMPLES = 2;
  /** At about 0.5 KB a sample, at most some 2 MiB of heap: an hour at one sample a second. */
  public static final int MAX_DASHBOARD_SAMPLES = 3_600;
  /** How often the dashboard's time series takes a sample of {@code /admin/status}. */
  public static final Duration DEFAULT_DASHBOARD_INTERVAL = Duration.ofSeconds(1);
  public static final Duration MIN_DASHBOARD_INTERVAL = Duration.ofMillis(100);
  public static final Duration MAX_DASHBOARD_INTERVAL = Duration.ofMinutes(1);

  private boolean enabled = DEFAULT_ENABLED;
  private String host = DEFAULT_HOST;
  private int port = DEFAULT_PORT;
  private String token = DEFAULT_TOKEN;
  private String tokenFile = DEFAULT_TOKEN_FILE;
  private int maxHistogramRows = DEFAULT_MAX_HISTOGRAM_ROWS;
  private String dumpDir = DEFAULT_DUMP_DIR;
  private int maxDumps = DEFAULT_MAX_DUMPS;
  private int maxProfileSeconds = DEFAULT_MAX_PROFILE_SECONDS;
  private int maxLoggerNameLength = DEFAULT_MAX_LOGGER_NAME_LENGTH;
  private int dashboardSamples = DEFAULT_DASHBOARD_SAMPLES;
  private Duration dashboardInterval = DEFAULT_DASHBOARD_INTERVAL;
  private TlsOptions tls = new TlsOptions();

  /** The defaults. */
  public AdminOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public AdminOptions(AdminOptions other) {
    enabled = other.enabled;
    host = other.host;
    port = other.port;
    token = other.token;
    tokenFile = other.tokenFile;
    maxHistogramRows = other.maxHistogramRows;
    dumpDir = other.dumpDir;
    maxDumps = other.maxDumps;
    maxProfileSeconds = other.maxProfileSeconds;
    maxLoggerNameLength = other.maxLoggerNameLength;
    dashboardSamples = other.dashboardSamples;
    dashboardInterval = other.dashboardInterval;
    tls = new TlsOptions(other.tls);
  }

  public boolean enabled() {
    return enabled;
  }

  public AdminOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public String host() {
    return host;
  }

  public AdminOptions setHost(String host) {
    Ranges.check(host != null, "host", null, "a host name or address");
    this.host = host;
    return this;
  }

  public int port() {
    return port;
  }

  /** 0 picks a free port. */
  public AdminOptions setPort(int port) {
    Ranges.check(port >= MIN_PORT && port <= MAX_PORT, "port", port, MIN_PORT + " to " + MAX_PORT);
    this.port = port;
    return this;
  }

  /** The configured token, or an empty string when one is to be generated. */
  public String token() {
    return token;
  }

  /** Empty, or at least {@link #MIN_TOKEN_LENGTH} characters. */
  public AdminOptions setToken(String token) {
    Ranges.check(token != null && (token.isEmpty() || token.length() >= MIN_TOKEN_LENGTH), "token",
        token == null ? null : "**** (" + token.length() + " characters)",
        "at least " + MIN_TOKEN_LENGTH + " characters, or empty to generate one");
    this.token = token;
    return this;
  }

  public String tokenFile() {
    return tokenFile;
  }

  /** A path, not a directory: {@link #isFilePath}. */
  public AdminOptions setTokenFile(String tokenFile) {
    Ranges.check(isFilePath(tokenFile), "tokenFile", tokenFile, "the path of a file, not a directory");
    this.tokenFile = tokenFile;
    return this;
  }

  /**
   * True for a path that can name a file to write: it has a file name ({@code /} and {@code ""} do not) and is not an
   * existing directory.
   */
  public static boolean isFilePath(String path) {
    if (path == null) {
      return false;
    }
    try {
      Path p = Path.of(path);
      return p.getFileName() != null && !p.getFileName().toString().isEmpty() && !Files.isDirectory(p);
    } catch (InvalidPathException e) {
      return false;
    }
  }

  public int maxHistogramRows() {
    return maxHistogramRows;
  }

  public String dumpDir() {
    return dumpDir;
  }

  public AdminOptions setDumpDir(String dumpDir) {
    Ranges.check(dumpDir != null && !dumpDir.isBlank(), "dumpDir", dumpDir, "a directory path");
    this.dumpDir = dumpDir;
    return this;
  }

  public int maxDumps() {
    return maxDumps;
  }

  public AdminOptions setMaxDumps(int maxDumps) {
    this.maxDumps = Ranges.of("maxDumps", maxDumps, MIN_MAX_DUMPS, MAX_MAX_DUMPS);
    return this;
  }

  public int maxProfileSeconds() {
    return maxProfileSeconds;
  }

  public AdminOptions setMaxProfileSeconds(int maxProfileSeconds) {
    this.maxProfileSeconds = Ranges.of("maxProfileSeconds", maxProfileSeconds, MIN_MAX_PROFILE_SECONDS,
        MAX_MAX_PROFILE_SECONDS);
    return this;
  }

  public int maxLoggerNameLength() {
    return maxLoggerNameLength;
  }

  public AdminOptions setMaxLoggerNameLength(int maxLoggerNameLength) {
    this.maxLoggerNameLength = Ranges.of("maxLoggerNameLength", maxLoggerNameLength, MIN_MAX_LOGGER_NAME_LENGTH,
        MAX_MAX_LOGGER_NAME_LENGTH);
    return this;
  }

  public AdminOptions setMaxHistogramRows(int maxHistogramRows) {
    this.maxHistogramRows = Ranges.of("maxHistogramRows", maxHistogramRows, MIN_MAX_HISTOGRAM_ROWS,
        MAX_MAX_HISTOGRAM_ROWS);
    return this;
  }

  public int dashboardSamples() {
    return dashboardSamples;
  }

  public AdminOptions setDashboardSamples(int dashboardSamples) {
    this.dashboardSamples = Ranges.of("dashboardSamples", dashboardSamples, MIN_DASHBOARD_SAMPLES,
        MAX_DASHBOARD_SAMPLES);
    return this;
  }

  public Duration dashboardInterval() {
    return dashboardInterval;
  }

  public AdminOptions setDashboardInterval(Duration dashboardInterval) {
    this.dashboardInterval = Ranges.of("dashboardInterval", dashboardInterval, MIN_DASHBOARD_INTERVAL,
        MAX_DASHBOARD_INTERVAL);
    return this;
  }

  /** TLS on the admin port; with a client CA file, a client certificate it issued is required besides the token. */
  public TlsOptions tls() {
    return tls;
  }

  /** Takes a copy of {@code tls}. */
  public AdminOptions setTls(TlsOptions tls) {
    Ranges.check(tls != null, "tls", null, "TLS options");
    this.tls = new TlsOptions(tls);
    return this;
  }

  /** These options under the keys of the {@code admin} config section; a token that is set shows as {@code ****}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("enabled", enabled)
        .put("host", host)
        .put("port", port)
        .put("token", token.isEmpty() ? "" : "****")
        .put("tokenFile", tokenFile)
        .put("maxHistogramRows", maxHistogramRows)
        .put("dumpDir", dumpDir)
        .put("maxDumps", maxDumps)
        .put("maxProfileSeconds", maxProfileSeconds)
        .put("maxLoggerNameLength", maxLoggerNameLength)
        .put("dashboardSamples", dashboardSamples)
        .put("dashboardInterval", dashboardInterval.toMillis() + "ms")
        .put("tls", tls.toJson());
  }
}
