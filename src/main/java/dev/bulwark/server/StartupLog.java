package dev.bulwark.server;

import dev.bulwark.admin.AdminToken;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.stream.SafePath;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start tells the operator: every port bound with its protocols, where the admin token is, and a files root
 * that could serve nothing. Logged under {@link BulwarkServer}'s name, where operators and scripts look for it.
 */
final class StartupLog {

  private static final Logger LOG = LoggerFactory.getLogger(BulwarkServer.class);

  private StartupLog() {
  }

  /** A files.root that cannot serve anything (the default "public" in a fresh directory) would show only as 404s. */
  static void warnIfUnservable(String root) {
    Path path = Path.of(root).toAbsolutePath();
    String problem = SafePath.unservable(path);
    if (problem != null) {
      LOG.warn("files.root \"{}\" ({}) {}: no file will be served until it is a readable directory", root, path,
          problem);
    }
  }

  /** Every port bound, each on a line of its own: with port 0 the log is the only place that says which. */
  static void started(BulwarkConfig config, int instances, long begin, int httpPort, int metricsPort, int adminPort,
      AdminToken token) {
    long ms = (System.nanoTime() - begin) / 1_000_000;
    LOG.info("Bulwark listening on {}:{} ({}) with {} event loops, started in {} ms", config.http().host(), httpPort,
        protocols(config.http()), instances, ms);
    if (metricsPort >= 0) {
      LOG.info("Metrics scrape on {}:{}{}", config.http().host(), metricsPort, config.metrics().path());
    }
    if (adminPort >= 0) {
      String tls = !config.admin().tls().enabled() ? "" : config.admin().tls().mutual()
          ? " over TLS, client certificates required" : " over TLS";
      String where = token.file() == null ? " (token from config)" : "; " + (token.heldElsewhere() == null ? ""
          : token.heldElsewhere() + " is held by another running Bulwark, ") + "token written to " + token.file()
          + " (mode 0600)";
      LOG.info("Admin port on {}:{}{}{}", config.admin().host(), adminPort, tls, where);
    }
  }

  private static String protocols(HttpOptions http) {
    return http.tls().enabled() ? "HTTPS: HTTP/2 and HTTP/1.1 by ALPN" : http.h2c() ? "HTTP/1.1 and h2c" : "HTTP/1.1";
  }
}
