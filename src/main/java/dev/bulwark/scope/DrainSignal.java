package dev.bulwark.scope;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A server's shutdown as its requests in progress see it: one per server, heard by the {@link RequestScopeHandler} of
 * every event loop, each step run on each loop's own thread (the futures complete once every loop has run it). The
 * steps, in order: {@link #closeConnections()} (HTTP/1.x answers from now on carry {@code Connection: close}, so
 * clients and load balancers' connection pools reconnect, elsewhere once readiness has taken the server out);
 * {@link #drain()} (the ports have stopped accepting: answers not yet started carry {@code Connection: close} too, and
 * every request that asked through {@link RequestScope#onDrain} is told to end); {@link #open} to count what is still
 * in progress, and {@link #abort()} to cut it. Knows no route: what a request does when told is its own affair.
 */
public final class DrainSignal {

  private final List<Loop> loops = new CopyOnWriteArrayList<>();

  /** One event loop's request scope handler, and the context to reach its thread. */
  private record Loop(Context context, RequestScopeHandlerImpl handler) {
  }

  /** Called by a handler made on an event loop's context; a handler made elsewhere cannot be reached, so never. */
  void subscribe(Context context, RequestScopeHandlerImpl handler) {
    loops.add(new Loop(context, handler));
  }

  /** From now on every HTTP/1.x answer carries {@code Connection: close}; the server still serves. */
  public Future<Void> closeConnections() {
    return onEveryLoop(RequestScopeHandlerImpl::closeConnections);
  }

  /**
   * The ports have stopped accepting: answers in progress that have not started carry {@code Connection: close}, and
   * requests subscribed through {@link RequestScope#onDrain} are told to end.
   */
  public Future<Void> drain() {
    return onEveryLoop(RequestScopeHandlerImpl::drain);
  }

  /** The requests still in progress, counted by {@code label} (a route template, say), sorted by label. */
  public Future<Map<String, Integer>> open(Function<RoutingContext, String> label) {
    Map<String, Integer> counts = new TreeMap<>();
    return onEveryLoop(handler -> {
      Map<String, Integer> mine = handler.open(label);
      synchronized (counts) {
        mine.forEach((k, n) -> counts.merge(k, n, Integer::sum));
      }
    }).map(v -> {
      synchronized (counts) {
        return new TreeMap<>(counts);
      }
    });
  }

  /**
   * Cuts every request still in progress by closing its connection (over HTTP/2 the whole connection, whose other
   * streams are being cut too); each then ends as a client close would.
   */
  public Future<Void> abort() {
    return onEveryLoop(RequestScopeHandlerImpl::abort);
  }

  private Future<Void> onEveryLoop(Consumer<RequestScopeHandlerImpl> step) {
    List<Future<Void>> done = new ArrayList<>();
    for (Loop loop : loops) {
      Promise<Void> ran = Promise.promise();
      loop.context().runOnContext(v -> {
        try {
          step.accept(loop.handler());
        } finally {
          ran.complete();
        }
      });
      done.add(ran.future());
    }
    return Future.join(done).mapEmpty();
  }
}
