package dev.bulwark.pool;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/** A pool over a {@link FakeFactory} on a context of its own, with a fake clock the test moves. */
final class PoolFixture {

  final Vertx vertx;
  final Context context;
  final FakeFactory factory = new FakeFactory();
  final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final BoundedPool<FakeFactory.Conn> pool;

  PoolFixture(Vertx vertx, PoolOptions options) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.pool = new BoundedPool<>(context, new PoolOptions(options).check(), factory, "test", nanos::get);
  }

  /** Runs {@code action} on the pool's context and waits for it; also a barrier for hops made before. */
  <T> T on(Callable<T> action) {
    Promise<T> p = Promise.promise();
    context.runOnContext(v -> {
      try {
        p.complete(action.call());
      } catch (Throwable t) {
        p.fail(t);
      }
    });
    return p.future().await();
  }

  /** Waits until every hop queued so far has run. */
  void settle() {
    on(() -> null);
  }

  Future<Lease<FakeFactory.Conn>> acquire() {
    return pool.acquire();
  }

  void advanceMillis(long ms) {
    nanos.addAndGet(ms * 1_000_000L);
  }
}
