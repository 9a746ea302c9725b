package dev.bulwark.pool;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A controllable connection factory. Creates complete at once, or (with {@code manual}) only when the test completes
 * them, in order; {@code failNext} fails the next creates. Counts creates in flight and live connections, and the most
 * of both ever seen together. Confined to the pool's context, like the pool's own calls to it.
 */
final class FakeFactory implements ConnectionFactory<FakeFactory.Conn> {

  /** A fake connection: {@code broken} makes validation fail. */
  static final class Conn {
    final int id;
    boolean broken;
    boolean closed;

    Conn(int id) {
      this.id = id;
    }
  }

  boolean manual;
  int failNext;
  int created;
  int closed;
  int inFlight;
  int live;
  int mostHeld;
  final Deque<Promise<Conn>> pending = new ArrayDeque<>();

  @Override
  public Future<Conn> create() {
    inFlight++;
    mostHeld = Math.max(mostHeld, inFlight + live);
    Promise<Conn> p = Promise.promise();
    if (manual) {
      pending.addLast(p);
    } else {
      finish(p, failNext > 0 && failNext-- > 0);
    }
    return p.future();
  }

  /** Completes the oldest manual create, successfully or not. */
  void completeNext(boolean fail) {
    finish(pending.pollFirst(), fail);
  }

  private void finish(Promise<Conn> p, boolean fail) {
    inFlight--;
    if (fail) {
      p.fail(new IllegalStateException("connection refused (fake)"));
    } else {
      live++;
      created++;
      p.complete(new Conn(created));
    }
  }

  @Override
  public Future<Boolean> validate(Conn connection) {
    return Future.succeededFuture(!connection.broken);
  }

  @Override
  public Future<Void> close(Conn connection) {
    if (connection.closed) {
      throw new AssertionError("closed twice: connection " + connection.id);
    }
    connection.closed = true;
    live--;
    closed++;
    return Future.succeededFuture();
  }
}
