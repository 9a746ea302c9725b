package dev.bulwark.server;

import com.sun.management.UnixOperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The main port's bound on open connections, for the whole process ({@code http.maxConnections}): a connection past it
 * is closed as soon as it is accepted, before any of its bytes are parsed, and counted, so a flood of sockets cannot
 * take every file descriptor the process has. Per connection, not per request: the hot path never sees it.
 */
final class ConnectionLimit implements Handler<HttpConnection> {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionLimit.class);
  /** File descriptors the process needs besides client connections: jars, logs, the admin port, Redis, files. */
  static final int FILES_BESIDES_CONNECTIONS = 256;

  private final int max;
  private final AtomicInteger open = new AtomicInteger();
  private final LongAdder refused = new LongAdder();

  ConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void handle(HttpConnection connection) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refused.increment();
      connection.close();
      return;
    }
    connection.closeHandler(v -> open.decrementAndGet());
  }

  /** Warns at start when the open-file limit cannot hold {@code http.maxConnections} and what else the process opens. */
  void checkFileLimit() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix) {
      long limit = unix.getMaxFileDescriptorCount();
      if ((long) max + FILES_BESIDES_CONNECTIONS > limit) {
        LOG.warn("http.maxConnections is {} but the process may open only {} files (ulimit -n): past about {} "
            + "connections, accepts will fail; raise the limit or lower http.maxConnections", max, limit,
            Math.max(0, limit - FILES_BESIDES_CONNECTIONS));
      }
    }
  }

  int open() {
    return open.get();
  }

  long refused() {
    return refused.sum();
  }

  /** Fields of the {@code http} status section. */
  JsonObject toJson() {
    return new JsonObject().put("connections", open()).put("maxConnections", max).put("refusedConnections", refused());
  }

  void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.http.connections", this, ConnectionLimit::open)
        .description("Connections open on the main port").register(registry);
    FunctionCounter.builder("bulwark.http.connections.refused", this, ConnectionLimit::refused)
        .description("Connections closed at once because http.maxConnections were open").register(registry);
  }
}
