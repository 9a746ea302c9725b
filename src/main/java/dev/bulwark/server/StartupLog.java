package dev.bulwark.server;

import dev.bulwark.admin.AdminToken;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.stream.SafePath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start tells the operator: every port bound with its protocols, where the admin token is, a files root
 * that could serve nothing, and whether the class-data archive {@code bin/bulwark} gave was used. Logged under {@link BulwarkServer}'s name, where operators and scripts look for it.
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

  /**
   * {@code bin/bulwark} names its archive in {@code bulwark.classDataArchive}. The JVM starts without an archive it
   * cannot map (made by another JVM build or with other options), silently; a mapped one shows in /proc/self/maps.
   * Reads a small procfs file: call it off the event loops.
   */
  static void classDataArchive(String archive) {
    if (archive == null || archive.isEmpty()) {
      return;
    }
    Path path = Path.of(archive).toAbsolutePath().normalize();
    try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
      String mapped = " " + path.toRealPath(); // the kernel names a mapped file by its real path
      if (maps.anyMatch(line -> line.endsWith(mapped))) {
        LOG.info("Started from class-data archive {}", path);
      } else {
        LOG.warn("The JVM did not use class-data archive {} (made by another JVM build or with other JVM options?):"
            + " the start was slower; bin/bulwark makes a new one once the jar, the JVM or JAVA_OPTS change", path);
      }
    } catch (IOException | RuntimeException e) {
      LOG.info("Class-data archive {} given; whether the JVM used it cannot be read here ({})", path, e.toString());
    }
  }

  private static String protocols(HttpOptions http) {
    return http.tls().enabled() ? "HTTPS: HTTP/2 and HTTP/1.1 by ALPN" : http.h2c() ? "HTTP/1.1 and h2c" : "HTTP/1.1";
  }
}
