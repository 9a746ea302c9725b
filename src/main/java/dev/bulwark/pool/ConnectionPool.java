package dev.bulwark.pool;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * A bounded pool of connections made by a {@link ConnectionFactory}: at most {@code maxSize} connections (counting
 * those being made), at most {@code maxWaiting} borrowers waiting beyond the creations in flight (one more fails at once
 * with 503 {@code pool_exhausted}), served first come first served, each for at most {@code acquireTimeout} (then 503
 * {@code pool_timeout}, with the pool's state in the message).
 *
 * <p>Threads: the pool's state lives on one Vert.x context, the one current when it was made (or a new event-loop
 * context when made outside Vert.x). Every call may come from any thread or event loop: it hops onto the pool's
 * context, so no lock is taken, and its result is completed back on the caller's context. Stats getters read
 * single-writer volatile fields and are safe anywhere.
 *
 * <pre>{@code
 * ConnectionPool<Conn> pool = ConnectionPool.create(vertx, new PoolOptions().setMaxSize(8), factory, "redis");
 * pool.withConnection(conn -> conn.send("INCR x"));         // released (or checked, then discarded) on every outcome
 * RequestScope.of(ctx).lease(pool).compose(lease -> ...);   // returned when the request ends, however it ends
 * }</pre>
 */
public interface ConnectionPool<C> {

  /** A pool on the current context (a new event-loop context outside Vert.x); {@code name} tags its meters. */
  static <C> ConnectionPool<C> create(Vertx vertx, PoolOptions options, ConnectionFactory<C> factory, String name) {
    return create(vertx.getOrCreateContext(), options, factory, name);
  }

  /** A pool whose state lives on {@code context}. */
  static <C> ConnectionPool<C> create(Context context, PoolOptions options, ConnectionFactory<C> factory,
      String name) {
    return new BoundedPool<>(context, new PoolOptions(options).check(), factory, name, System::nanoTime);
  }

  /** Borrows a connection: an idle one, a new one while below {@code maxSize}, else the next one given back. */
  Future<Lease<C>> acquire();

  /**
   * Borrows a connection, runs {@code fn} on it and gives it back however {@code fn} ends; when {@code fn} fails (or
   * throws) the connection is validated by the factory before anyone else gets it, and closed if it is broken.
   */
  <T> Future<T> withConnection(Function<C, Future<T>> fn);

  /**
   * Fails every waiter (503 {@code pool_closed}), closes idle connections and closes leased ones as they come back.
   * Completes once the idle ones are closed.
   */
  Future<Void> close();

  String name();

  /** Connections held, counting those being made. */
  int size();

  /** Connections lent out (or being validated for a borrower). */
  int active();

  int idle();

  /** Borrowers waiting. */
  int pending();

  /** The {@code pool} section of {@code /admin/status}: state, counters, acquire waits and options. */
  JsonObject toJson();

  /** Registers the pool's meters, tagged {@code pool=<name>}: gauges, counters and the acquire-wait timer. */
  void bindTo(MeterRegistry registry);
}
