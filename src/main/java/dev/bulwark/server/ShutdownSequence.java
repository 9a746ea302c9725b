package dev.bulwark.server;

import dev.bulwark.health.Health;
import dev.bulwark.metrics.RouteLabel;
import dev.bulwark.scope.DrainSignal;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulwark's graceful shutdown, run once however it is asked for (a signal, {@link BulwarkServer#close()}):
 * <ol>
 *   <li>readiness turns DOWN ({@code draining}) while every port keeps serving for {@code shutdown.readinessGrace},
 *   HTTP/1.x answers carrying {@code Connection: close}, so load balancers stop sending and clients reconnect
 *   elsewhere;</li>
 *   <li>every port stops accepting, and the requests in progress get {@code shutdown.timeout} to finish (those that
 *   asked through {@code RequestScope.onDrain} are told to end);</li>
 *   <li>past the timeout, what is still open is logged at WARN by method and route template, and cut;</li>
 *   <li>only then is the rest released: the Redis pool and clients, the diagnostics, Vert.x, the meters.</li>
 * </ol>
 * Completes with true when nothing had to be cut.
 */
final class ShutdownSequence {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownSequence.class);
  /** Vert.x's own forced close comes this long after ours, as a backstop: ours counts what it cuts first. */
  private static final Duration BACKSTOP = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final ShutdownOptions options;
  private final Health health;
  private final DrainSignal drain;
  private final Listeners listeners;
  private final Supplier<Future<Void>> release;
  private Future<Boolean> done;

  /** {@code release} frees what the server holds besides its ports, once no request needs it any more. */
  ShutdownSequence(Vertx vertx, ShutdownOptions options, Health health, DrainSignal drain, Listeners listeners,
      Supplier<Future<Void>> release) {
    this.vertx = vertx;
    this.options = options;
    this.health = health;
    this.drain = drain;
    this.listeners = listeners;
    this.release = release;
  }

  /** Starts the sequence on the first call; every call returns its outcome. */
  synchronized Future<Boolean> run() {
    if (done == null) {
      done = begin();
    }
    return done;
  }

  private Future<Boolean> begin() {
    long begin = System.nanoTime();
    long graceMs = options.readinessGrace().toMillis();
    long timeoutMs = options.timeout().toMillis();
    health.startDraining();
    LOG.info("Shutting down: readiness DOWN for {} ms, then draining for up to {} ms", graceMs, timeoutMs);
    return drain.closeConnections()
        .compose(v -> graceMs == 0 ? Future.succeededFuture() : vertx.timer(graceMs, TimeUnit.MILLISECONDS))
        .compose(v -> drainWithin(timeoutMs))
        .compose(clean -> release.get().transform(ar -> {
          LOG.info("Stopped {}in {} ms", clean ? "" : "after cutting what was open, ", millisSince(begin));
          return Future.succeededFuture(clean);
        }));
  }

  /**
   * The ports stop accepting and the drain starts; true once every port's connections have closed, false when the
   * timeout came first and something was cut. Whichever comes first decides, once.
   */
  private Future<Boolean> drainWithin(long timeoutMs) {
    long begin = System.nanoTime();
    // Told first: each loop queues the drain before anything a client can see of the closing ports, so an answer to a
    // request in progress carries Connection: close however soon after the close it is written.
    drain.drain();
    Map<String, Future<Void>> ports = listeners.shutdown(Duration.ofMillis(timeoutMs).plus(BACKSTOP));
    Promise<Boolean> outcome = Promise.promise();
    AtomicBoolean decided = new AtomicBoolean();
    Future.join(List.copyOf(ports.values())).onComplete(ar -> {
      if (decided.compareAndSet(false, true)) {
        if (ar.succeeded()) {
          LOG.info("Drained in {} ms: every request in progress finished", millisSince(begin));
          outcome.complete(true);
        } else {
          // A port's shutdown failed: what it still held is unknown, so it counts as cut.
          LOG.warn("A port's shutdown failed after {} ms: {}", millisSince(begin), ar.cause().toString());
          outcome.complete(false);
        }
      }
    });
    vertx.timer(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS).onComplete(ar -> {
      if (decided.compareAndSet(false, true)) {
        cutWhatIsOpen(ports, timeoutMs).onComplete(outcome);
      }
    });
    return outcome.future();
  }

  /** Logs what is still open (requests by route on the main port, and any other port still draining), then cuts it. */
  private Future<Boolean> cutWhatIsOpen(Map<String, Future<Void>> ports, long timeoutMs) {
    return drain.open(ShutdownSequence::label).compose(open -> {
      String otherPorts = ports.entrySet().stream()
          .filter(e -> !e.getKey().equals(HttpVerticle.PORT_KEY) && !e.getValue().isComplete())
          .map(Map.Entry::getKey).collect(Collectors.joining(", "));
      if (open.isEmpty() && otherPorts.isEmpty()) {
        return Future.succeededFuture(true); // the last ones finished as the timeout passed
      }
      int total = open.values().stream().mapToInt(Integer::intValue).sum();
      String byRoute = open.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
          .collect(Collectors.joining(", "));
      LOG.warn("Shutdown timeout ({} ms, shutdown.timeout) passed with {} request{} still open, now cut: {}{}",
          timeoutMs, total, total == 1 ? "" : "s", open.isEmpty() ? "none on http.port" : byRoute,
          otherPorts.isEmpty() ? "" : "; connections still open on " + otherPorts);
      return drain.abort().map(false);
    });
  }

  /** {@code GET /demo/slow}: the method and route template, never the raw path. */
  private static String label(RoutingContext ctx) {
    String route = RouteLabel.of(ctx.currentRoute());
    return ctx.request().method().name() + " " + (route == null ? RouteLabel.NONE : route);
  }

  private static long millisSince(long begin) {
    return (System.nanoTime() - begin) / 1_000_000;
  }
}
