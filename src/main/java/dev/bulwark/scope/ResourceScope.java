package dev.bulwark.scope;

import dev.bulwark.pool.ConnectionPool;
import dev.bulwark.pool.Lease;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;

/**
 * Makes and owns resources that must not outlive their owner: timers, event-bus consumers, listener registrations,
 * files and any {@link AutoCloseable}. Everything still live when the scope ends is released exactly once, in reverse
 * order of acquisition; a failing release is logged and counted and never stops the others. Acquiring through a scope
 * that has ended throws {@link ScopeClosedException} and leaves nothing behind.
 */
public interface ResourceScope {

  /** A one-shot timer; it stops counting as live once it has fired. Returns the Vert.x timer id. */
  long setTimer(long delayMs, Handler<Long> handler);

  /** A periodic timer, cancelled when the scope ends. Returns the Vert.x timer id. */
  long setPeriodic(long delayMs, Handler<Long> handler);

  /** Cancels a timer this scope made; false if it is not (or no longer) live. */
  boolean cancelTimer(long timerId);

  /** An event-bus consumer, unregistered when the scope ends. */
  <T> MessageConsumer<T> consumer(String address, Handler<Message<T>> handler);

  /**
   * A registration made elsewhere (a listener on an emitter of your own) with the action that undoes it; the action
   * runs when the scope ends unless {@link Registration#release()} ran it first.
   */
  Registration register(Runnable undo);

  /** Opens a file that is closed when the scope ends. Fails with {@link ScopeClosedException} if it has ended. */
  Future<AsyncFile> openFile(String path, OpenOptions options);

  /** Takes ownership of {@code closeable}: it is closed when the scope ends. Returns it. */
  <C extends AutoCloseable> C own(C closeable);

  /**
   * Done early with a file {@link #openFile} gave or a closeable given to {@link #own}: closes it now, as the scope
   * would have at its end, and the scope holds it no more (so it is not counted as released by the scope). False if
   * the scope does not hold it, or no longer does.
   */
  boolean release(Object owned);

  /**
   * Borrows a connection from {@code pool} for this scope: the lease is given back when the scope ends, however it
   * ends, unless {@link Lease#release()} or {@link Lease#discard()} ended it first. A lease granted after the scope
   * ended is given back at once and the future fails with {@link ScopeClosedException}; the pool's own refusals
   * ({@code pool_exhausted}, {@code pool_timeout}) fail it as they are. Counts against {@code scope.maxResources}.
   */
  <C> Future<Lease<C>> lease(ConnectionPool<C> pool);

  /** True once the scope has released what it owned. */
  boolean released();
}
