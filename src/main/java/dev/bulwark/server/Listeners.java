package dev.bulwark.server;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP servers of one Bulwark as they listen, one per verticle instance (the main port has one per event loop), so
 * that a shutdown stops every port at once. Filled by {@link ServingVerticle}s as they bind.
 */
final class Listeners {

  private record Listening(String portKey, HttpServer server) {
  }

  private final List<Listening> servers = new CopyOnWriteArrayList<>();

  void add(String portKey, HttpServer server) {
    servers.add(new Listening(portKey, server));
  }

  /**
   * Vert.x 5's graceful shutdown of every server at once: each port's listening socket closes (the main port's once the
   * last of its event loops lets go, which is at once, since all are asked together), so new connections are refused;
   * idle HTTP/1.x connections close now and busy ones after their answer; HTTP/2 connections get a GOAWAY; whatever is
   * still open after {@code force} is closed. One future per port key, completed when all its connections are closed.
   */
  Map<String, Future<Void>> shutdown(Duration force) {
    Map<String, List<Future<Void>>> byPort = new LinkedHashMap<>();
    for (Listening l : servers) {
      byPort.computeIfAbsent(l.portKey(), k -> new ArrayList<>())
          .add(l.server().shutdown(force.toMillis(), TimeUnit.MILLISECONDS));
    }
    Map<String, Future<Void>> done = new LinkedHashMap<>();
    byPort.forEach((port, futures) -> done.put(port, Future.join(futures).mapEmpty()));
    return done;
  }
}
