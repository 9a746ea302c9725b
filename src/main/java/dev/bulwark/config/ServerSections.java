package dev.bulwark.config;

import dev.bulwark.admin.AdminOptions;
import dev.bulwark.metrics.MetricsOptions;
import dev.bulwark.server.HttpOptions;
import dev.bulwark.server.LoggingOptions;
import dev.bulwark.server.RedisOptions;
import dev.bulwark.server.ShutdownOptions;

/**
 * Reads the sections of the process and its ports ({@code http}, {@code shutdown}, {@code admin}, {@code metrics},
 * {@code logging}, {@code redis}) into their options. Each key is declared here with its default and range (the
 * options' constants) and its meaning, which feed {@code --print-config}, the README table and the unknown-key check;
 * a value the options would refuse is refused here first, as a {@link ConfigException} that names the key and where
 * it came from.
 */
final class ServerSections {

  private ServerSections() {
  }

  static HttpOptions http(Section s) throws ConfigException {
    HttpOptions options = new HttpOptions()
        .setHost(s.string("host", HttpOptions.DEFAULT_HOST, "Address the main port binds to."))
        .setPort(s.integer("port", HttpOptions.DEFAULT_PORT, HttpOptions.MIN_PORT, HttpOptions.MAX_PORT,
            "Main HTTP port; 0 picks one free port that every event loop serves (logged)."))
        .setInstances(s.integer("instances", HttpOptions.DEFAULT_INSTANCES, HttpOptions.MIN_INSTANCES,
            HttpOptions.MAX_INSTANCES, "Event loops, each with one HTTP verticle instance; 0 means one per core."))
        .setMaxInFlight(s.integer("maxConcurrentRequests", HttpOptions.DEFAULT_MAX_IN_FLIGHT,
            HttpOptions.MIN_MAX_IN_FLIGHT, HttpOptions.MAX_MAX_IN_FLIGHT,
            "Requests in progress at once, shared evenly by the event loops; past it: 503 `overloaded`."))
        .setMaxBodySize(s.size("maxBodySize", HttpOptions.DEFAULT_MAX_BODY_SIZE, HttpOptions.MIN_MAX_BODY_SIZE,
            HttpOptions.MAX_MAX_BODY_SIZE,
            "Largest request body a route reads into memory, by Content-Length before reading or chunked while "
                + "reading: 413 `request_too_large`. A route's own limit (`cache.maxValueSize`...) can only lower it; "
                + "routes that stream to disk (`/uploads`) have their own."))
        .setMaxHeaderSize((int) s.size("maxHeaderSize", HttpOptions.DEFAULT_MAX_HEADER_SIZE,
            HttpOptions.MIN_MAX_HEADER_SIZE, HttpOptions.MAX_MAX_HEADER_SIZE,
            "Largest total size of request headers; past it the request is refused (431)."))
        .setMaxInitialLineLength((int) s.size("maxInitialLineLength", HttpOptions.DEFAULT_MAX_INITIAL_LINE,
            HttpOptions.MIN_MAX_INITIAL_LINE, HttpOptions.MAX_MAX_INITIAL_LINE,
            "Longest request line (method, URI, version); past it the request is refused (414)."))
        .setIdleTimeout(s.duration("idleTimeout", HttpOptions.DEFAULT_IDLE_TIMEOUT, HttpOptions.MIN_IDLE_TIMEOUT,
            HttpOptions.MAX_IDLE_TIMEOUT, "Closes a connection idle this long; 0s never does."))
        .setRetryAfter(s.duration("retryAfter", HttpOptions.DEFAULT_RETRY_AFTER, HttpOptions.MIN_RETRY_AFTER,
            HttpOptions.MAX_RETRY_AFTER, "`Retry-After` sent with every 503, in whole seconds."))
        .setRequestTimeout(s.duration("requestTimeout", HttpOptions.DEFAULT_REQUEST_TIMEOUT,
            HttpOptions.MIN_REQUEST_TIMEOUT, HttpOptions.MAX_REQUEST_TIMEOUT,
            "A request not answered in this time gets 503 `request_timeout` and its scope is released."))
        .setMaxConnections(s.integer("maxConnections", HttpOptions.DEFAULT_MAX_CONNECTIONS,
            HttpOptions.MIN_MAX_CONNECTIONS, HttpOptions.MAX_MAX_CONNECTIONS, "Connections the main port keeps open "
                + "at once (per process, all event loops); past it a new connection is closed at once and counted. "
                + "0 means " + HttpOptions.AUTO_MAX_CONNECTIONS + ", or less when the open-file limit (`ulimit -n`) "
                + "holds less besides " + HttpOptions.FILES_BESIDES_CONNECTIONS + " other files (a WARN); a value the "
                + "limit cannot hold exits 2."))
        .setHeaderTimeout(s.duration("headerTimeout", HttpOptions.DEFAULT_HEADER_TIMEOUT,
            HttpOptions.MIN_HEADER_TIMEOUT, HttpOptions.MAX_HEADER_TIMEOUT, "A request head (request line and "
                + "headers) must arrive whole within this time from its first byte, or from the connection's start; "
                + "otherwise the connection is closed and counted, whatever `idleTimeout` says (HTTP/1.x)."))
        .setCloseLinger(s.duration("closeLinger", HttpOptions.DEFAULT_CLOSE_LINGER, HttpOptions.MIN_CLOSE_LINGER,
            HttpOptions.MAX_CLOSE_LINGER, "A connection closed with its request body unread (an early 413, say) "
                + "sends its answer and a FIN, then reads and drops what the client still sends for at most this "
                + "long, so the close does not reset the answer away; 0s closes at once."));
    return withProtocols(s, options);
  }

  /** The main port's protocols beside HTTP/1.x: cleartext HTTP/2 or TLS (with HTTP/2 by ALPN), never both. */
  private static HttpOptions withProtocols(Section s, HttpOptions options) throws ConfigException {
    s.renamed("cleartextHttp2", "h2c");
    boolean h2c = s.bool("h2c", HttpOptions.DEFAULT_H2C, "Serves cleartext HTTP/2 (h2c: prior knowledge and "
        + "`Upgrade: h2c`) beside HTTP/1.x, for a proxy in front that speaks it; not with `http.tls` (over TLS, "
        + "HTTP/2 comes by ALPN). Off by default: while it is on, Vert.x makes a connection known only when its first "
        + "request head is complete, so a slow first head escapes `maxConnections` and `headerTimeout` until then "
        + "(`idleTimeout` still closes a silent one). Formerly `http.cleartextHttp2`, still read with a warning.");
    options.setTls(TlsSections.tls(s.section("tls"), "the main port", false, "A TLS handshake must complete within "
        + "this time of the connection's start, or the connection is closed and counted. Until then a connection "
        + "counts against neither `maxConnections` nor `headerTimeout` (whose clock starts once it completes), and "
        + "`idleTimeout` does not apply."));
    if (h2c && options.tls().enabled()) {
      throw s.invalid("h2c", true, "expected false while http.tls.enabled is true: over TLS, HTTP/2 is negotiated by "
          + "ALPN; h2c is cleartext HTTP/2 for a proxy in front");
    }
    return options.setH2c(h2c);
  }

  static ShutdownOptions shutdown(Section s) throws ConfigException {
    return new ShutdownOptions()
        .setReadinessGrace(s.duration("readinessGrace", ShutdownOptions.DEFAULT_READINESS_GRACE,
            ShutdownOptions.MIN_READINESS_GRACE, ShutdownOptions.MAX_READINESS_GRACE, "On SIGTERM or SIGINT, how long "
                + "`/health/ready` answers 503 `draining` while every port still serves (HTTP/1.x answers with "
                + "`Connection: close`), so load balancers stop sending before the ports close; 0s closes them at "
                + "once."))
        .setTimeout(s.duration("timeout", ShutdownOptions.DEFAULT_TIMEOUT, ShutdownOptions.MIN_TIMEOUT,
            ShutdownOptions.MAX_TIMEOUT, "Once the ports stop accepting, how long requests in progress may take to "
                + "finish; what is still open then is logged (WARN, by route) and closed, and the exit status is 1. "
                + "Replaces `http.shutdownGrace`."));
  }

  static AdminOptions admin(Section s) throws ConfigException {
    AdminOptions options = new AdminOptions()
        .setEnabled(s.bool("enabled", AdminOptions.DEFAULT_ENABLED, "Runs the admin port."))
        .setHost(s.string("host", AdminOptions.DEFAULT_HOST,
            "Address the admin port binds to; keep it off public interfaces."))
        .setPort(s.integer("port", AdminOptions.DEFAULT_PORT, AdminOptions.MIN_PORT, AdminOptions.MAX_PORT,
            "Admin port; 0 picks a free one (logged)."))
        .setMaxHistogramRows(s.integer("maxHistogramRows", AdminOptions.DEFAULT_MAX_HISTOGRAM_ROWS,
            AdminOptions.MIN_MAX_HISTOGRAM_ROWS, AdminOptions.MAX_MAX_HISTOGRAM_ROWS,
            "Most rows `/admin/heap/histogram` and `/admin/heap/diff` answer (`?top=N` above it: 400)."))
        .setDumpDir(s.string("dumpDir", AdminOptions.DEFAULT_DUMP_DIR,
            "Where `POST /admin/heap/dump` writes heap dumps (`heap-<UTC time>.hprof`)."))
        .setMaxDumps(s.integer("maxDumps", AdminOptions.DEFAULT_MAX_DUMPS, AdminOptions.MIN_MAX_DUMPS,
            AdminOptions.MAX_MAX_DUMPS, "Heap dumps kept in `admin.dumpDir`; the oldest beyond it are deleted."))
        .setMaxProfileSeconds(s.integer("maxProfileSeconds", AdminOptions.DEFAULT_MAX_PROFILE_SECONDS,
            AdminOptions.MIN_MAX_PROFILE_SECONDS, AdminOptions.MAX_MAX_PROFILE_SECONDS,
            "Longest JFR recording `/admin/profile?seconds=N` takes (above it: 400)."))
        .setMaxLoggerNameLength(s.integer("maxLoggerNameLength", AdminOptions.DEFAULT_MAX_LOGGER_NAME_LENGTH,
            AdminOptions.MIN_MAX_LOGGER_NAME_LENGTH, AdminOptions.MAX_MAX_LOGGER_NAME_LENGTH,
            "Longest logger name `/admin/loggers/{name}` accepts (longer: 400 `bad_logger`)."))
        .setDashboardSamples(s.integer("dashboardSamples", AdminOptions.DEFAULT_DASHBOARD_SAMPLES,
            AdminOptions.MIN_DASHBOARD_SAMPLES, AdminOptions.MAX_DASHBOARD_SAMPLES,
            "Samples `/admin/timeseries` (the dashboard's charts) keeps in memory; the oldest is dropped."))
        .setDashboardInterval(s.duration("dashboardInterval", AdminOptions.DEFAULT_DASHBOARD_INTERVAL,
            AdminOptions.MIN_DASHBOARD_INTERVAL, AdminOptions.MAX_DASHBOARD_INTERVAL,
            "How often `/admin/timeseries` samples `/admin/status` (on the admin port's event loop)."))
        .setTls(TlsSections.tls(s.section("tls"), "the admin port", true, "A TLS handshake on the admin port must "
            + "complete within this time of the connection's start, or the connection is closed."));
    String token = s.secret("token", AdminOptions.DEFAULT_TOKEN,
        "Bearer token for every admin route (also env `BULWARK_ADMIN_TOKEN`); when empty one is generated.");
    String tokenFile = s.string("tokenFile", AdminOptions.DEFAULT_TOKEN_FILE, "Where a generated token is written "
        + "(mode 0600); its path is logged at start. While another running Bulwark holds this file (two instances "
        + "started in one directory), this one writes it with `-<admin port>` added to its name "
        + "(`var/admin-9091.token`) and logs that path.");
    if (!AdminOptions.isFilePath(tokenFile)) {
      throw s.invalid("tokenFile", tokenFile, "expected the path of a file, such as "
          + AdminOptions.DEFAULT_TOKEN_FILE + ", not a directory");
    }
    options.setTokenFile(tokenFile);
    try {
      return options.setToken(token);
    } catch (IllegalArgumentException e) {
      // The token itself is never printed: only its length.
      throw s.invalidSecret("token", "**** (" + token.length() + " characters)", "expected at least "
          + AdminOptions.MIN_TOKEN_LENGTH + " characters, or leave it empty to generate one");
    }
  }

  static MetricsOptions metrics(Section s) throws ConfigException {
    boolean enabled = s.bool("enabled", MetricsOptions.DEFAULT_ENABLED,
        "Records metrics and serves them for Prometheus.");
    String path = s.string("path", MetricsOptions.DEFAULT_PATH, "Path of the Prometheus scrape on the main port.");
    MetricsOptions options = new MetricsOptions().setEnabled(enabled)
        .setJvm(s.bool("jvm", MetricsOptions.DEFAULT_JVM,
            "Adds JVM meters: memory, GC, threads, classes, CPU, open files, uptime."))
        .setPort(s.integer("port", MetricsOptions.DEFAULT_PORT, MetricsOptions.MIN_PORT, MetricsOptions.MAX_PORT,
            "Port of a separate scrape server on `http.host` (0 picks a free one, logged); -1 serves the scrape on "
                + "the main port."))
        .setLatencyBuckets(s.durationList("latencyBuckets", MetricsOptions.DEFAULT_LATENCY_BUCKETS,
            MetricsOptions.MAX_LATENCY_BUCKETS, MetricsOptions.MIN_LATENCY_BUCKET, MetricsOptions.MAX_LATENCY_BUCKET,
            "Upper bounds of the buckets of `http_server_requests_seconds` (a histogram; `+Inf` is always added): "
                + "p99 by route is `histogram_quantile(0.99, ...)` over them."))
        .setMaxTagValues(s.integer("maxTagValues", MetricsOptions.DEFAULT_MAX_TAG_VALUES,
            MetricsOptions.MIN_MAX_TAG_VALUES, MetricsOptions.MAX_MAX_TAG_VALUES, "Distinct values one tag of one "
                + "meter may take; later new values are reported as `other` and counted in "
                + "`bulwark_metrics_tag_values_folded_total`, so no meter grows without bound."));
    try {
      return options.setPath(path);
    } catch (IllegalArgumentException e) {
      throw s.invalid("path", path, "expected a path such as /metrics");
    }
  }

  static LoggingOptions logging(Section s) throws ConfigException {
    return new LoggingOptions()
        .setJson(s.bool("json", LoggingOptions.DEFAULT_JSON,
            "One JSON object per log line (timestamp in epoch ms) instead of plain text (stamped in UTC)."))
        .setLevel(s.choice("level", LoggingOptions.DEFAULT_LEVEL, LoggingOptions.LEVELS,
            "Level of Bulwark's own loggers."))
        .setAccessLog(s.bool("accessLog", LoggingOptions.DEFAULT_ACCESS_LOG,
            "Logs one line per request (off: no per-request logging)."));
  }

  static RedisOptions redis(Section s) throws ConfigException {
    String url = s.secret("url", RedisOptions.DEFAULT_URL, "Redis to use, e.g. `redis://127.0.0.1:6379/0` (may hold "
        + "a password); empty: none, sessions stay local.");
    RedisOptions options = new RedisOptions()
        .setMaxPoolSize(s.integer("maxPoolSize", RedisOptions.DEFAULT_MAX_POOL_SIZE, RedisOptions.MIN_MAX_POOL_SIZE,
            RedisOptions.MAX_MAX_POOL_SIZE, "Connections the Redis client keeps at most."))
        .setMaxPoolWaiting(s.integer("maxPoolWaiting", RedisOptions.DEFAULT_MAX_POOL_WAITING,
            RedisOptions.MIN_MAX_POOL_WAITING, RedisOptions.MAX_MAX_POOL_WAITING,
            "Commands that may wait for a connection; more: 503 `backend_unavailable`."))
        .setRequired(s.bool("required", RedisOptions.DEFAULT_REQUIRED,
            "While Redis is unreachable, `/health/ready` is DOWN (`redis_unavailable`)."))
        .setKeyPrefix(s.string("keyPrefix", RedisOptions.DEFAULT_KEY_PREFIX, "Prefix of every key Bulwark writes, so "
            + "it never shares a keyspace it could disturb; sessions under `<prefix>session:`, caches under "
            + "`<prefix>cache:<name>:`."));
    try {
      options.setUrl(url);
    } catch (IllegalArgumentException e) {
      // The URL may hold a password: never printed.
      throw s.invalidSecret("url", "(hidden)", "expected redis://host:port[/db] or rediss://...");
    }
    return topology(s, options);
  }

  /** The keys choosing how Redis is deployed: one server, a master watched by sentinels, or a cluster. */
  private static RedisOptions topology(Section s, RedisOptions options) throws ConfigException {
    options.setType(s.choice("type", RedisOptions.DEFAULT_TYPE, RedisOptions.TYPES, "How Redis is deployed: "
        + "`standalone` (one server), `sentinel` (a master found through the sentinels in `endpoints`) or `cluster` "
        + "(keys spread over the masters, `endpoints` lists some of its nodes)."));
    java.util.List<String> endpoints = s.stringList("endpoints", RedisOptions.MAX_ENDPOINTS, "URLs of the Redis "
        + "nodes (`redis://host:port` or `rediss://` for TLS); for `sentinel`, the sentinels; empty: `url` alone.");
    try {
      options.setEndpoints(endpoints);
    } catch (IllegalArgumentException e) {
      throw s.invalidSecret("endpoints", "(hidden)", "expected redis://host:port or rediss://... URLs");
    }
    options.setMasterName(s.string("masterName", "", "For `sentinel`: the name of the master group the sentinels "
        + "watch (`sentinel monitor <name> ...`)."));
    options.setPassword(s.secret("password", "", "Password sent to every Redis node (AUTH); empty: none, or the "
        + "one in the URLs."));
    String problem = options.problem();
    if (problem != null) {
      throw new ConfigException(problem);
    }
    return options;
  }
}
