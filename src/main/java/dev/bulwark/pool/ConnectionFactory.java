package dev.bulwark.pool;

import io.vertx.core.Future;

/**
 * Makes, checks and closes the connections of one {@link ConnectionPool}. The pool calls it from its own context. It
 * must bound its own connect time: a creation that never completes keeps its place in {@code maxSize} (the pool never
 * holds more connections than that, counting those being made), though the waiters behind it still time out.
 */
public interface ConnectionFactory<C> {

  /** Opens a connection; a failure is counted and handed to the oldest waiter, never retried in a loop. */
  Future<C> create();

  /**
   * True if {@code connection} can still be used: asked before an idle connection is lent with
   * {@code validateOnBorrow}, and after {@link ConnectionPool#withConnection} saw its function fail.
   */
  Future<Boolean> validate(C connection);

  /** Closes a connection the pool gives up (evicted, broken, discarded, pool closed). */
  Future<Void> close(C connection);
}
