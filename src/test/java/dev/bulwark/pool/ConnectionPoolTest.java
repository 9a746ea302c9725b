package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bounds, order, timeouts, creation failures, broken connections and close, over a fake factory. */
@ExtendWith(VertxExtension.class)
class ConnectionPoolTest {

  private PoolFixture f;

  private PoolFixture fixture(Vertx vertx, PoolOptions options) {
    f = new PoolFixture(vertx, options);
    return f;
  }

  @AfterEach
  void noLeaseOutstanding() {
    if (f != null) {
      f.settle();
      assertThat(f.pool.active()).as("leases outstanding after the test").isZero();
      f.pool.close().await();
    }
  }

  private static ApiError failure(Future<?> future) {
    Throwable t = future.toCompletionStage().handle((v, e) -> e).toCompletableFuture().join();
    assertThat(t).isInstanceOf(ApiError.class);
    return (ApiError) t;
  }

  @Test
  void neverHoldsMoreThanMaxSizeCountingCreatesInFlight(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(3).setMaxWaiting(10)).factory.manual = true;
    List<Future<Lease<FakeFactory.Conn>>> leases = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      leases.add(f.acquire());
    }
    assertThat(f.on(() -> f.factory.inFlight)).isEqualTo(3);
    assertThat(f.pool.size()).isEqualTo(3);
    assertThat(f.pool.pending()).isEqualTo(8);
    f.on(() -> {
      f.factory.completeNext(false);
      f.factory.completeNext(false);
      f.factory.completeNext(false);
      return null;
    });
    for (Future<Lease<FakeFactory.Conn>> l : leases) {
      l.await().release();
    }
    f.settle();
    assertThat(f.factory.mostHeld).isEqualTo(3);
    assertThat(f.factory.created).isEqualTo(3);
    assertThat(f.pool.idle()).isEqualTo(3);
  }

  @Test
  void aFullQueueFailsAtOnceWithPoolExhausted(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(2).setMaxWaiting(3));
    Lease<FakeFactory.Conn> a = f.acquire().await();
    Lease<FakeFactory.Conn> b = f.acquire().await();
    List<Future<Lease<FakeFactory.Conn>>> waiting = List.of(f.acquire(), f.acquire(), f.acquire());
    ApiError refused = failure(f.acquire());
    assertThat(refused.status()).isEqualTo(503);
    assertThat(refused.code()).isEqualTo("pool_exhausted");
    assertThat(f.pool.pending()).isEqualTo(3);
    assertThat(f.pool.counters.rejected()).isEqualTo(1);
    a.release();
    b.release();
    for (Future<Lease<FakeFactory.Conn>> w : waiting) {
      w.await().release();
    }
  }

  @Test
  void waitersAreServedFirstComeFirstServed(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(1).setMaxWaiting(10));
    Lease<FakeFactory.Conn> held = f.acquire().await();
    List<Integer> order = new ArrayList<>();
    List<Future<Lease<FakeFactory.Conn>>> waiting = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      waiting.add(f.acquire().onSuccess(l -> {
        order.add(n);
        l.release();
      }));
      f.settle();
    }
    held.release();
    Future.all(waiting).await();
    assertThat(order).containsExactly(0, 1, 2, 3, 4);
  }

  @Test
  void aTimedOutBorrowerGetsPoolTimeoutWithThePoolsState(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(1).setAcquireTimeout(Duration.ofMillis(50)));
    Lease<FakeFactory.Conn> held = f.acquire().await();
    ApiError late = failure(f.acquire());
    assertThat(late.code()).isEqualTo("pool_timeout");
    assertThat(late.getMessage()).contains("size 1, active 1, idle 0, waiting 1, maxSize 1").contains("50 ms");
    assertThat(f.pool.counters.timeouts).isEqualTo(1);
    assertThat(f.pool.pending()).isZero();
    held.release();
  }

  @Test
  void hangingCreationsHoldTheirPlacesButTheirWaitersStillTimeOut(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(2).setMaxWaiting(4).setAcquireTimeout(Duration.ofMillis(50)))
        .factory.manual = true;
    List<Future<Lease<FakeFactory.Conn>>> waiting = List.of(f.acquire(), f.acquire(), f.acquire());
    for (Future<Lease<FakeFactory.Conn>> w : waiting) {
      assertThat(failure(w).code()).isEqualTo("pool_timeout");
    }
    assertThat(f.pool.size()).as("never more than maxSize, hanging ones included").isEqualTo(2);
    assertThat(f.on(() -> f.factory.inFlight)).isEqualTo(2);
    assertThat(f.pool.pending()).isZero();
    f.on(() -> {
      f.factory.completeNext(false); // a creation that finally ends, with nobody waiting: kept idle
      return null;
    });
    f.settle();
    assertThat(f.pool.idle()).isEqualTo(1);
    Lease<FakeFactory.Conn> late = f.acquire().await();
    assertThat(late.connection()).isNotNull();
    late.release();
    f.on(() -> {
      f.factory.completeNext(false);
      return null;
    });
    f.settle();
  }

  @Test
  void aFailedCreationAnswersTheOldestWaiterAndTheNextGetsANewTry(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(1)).factory.manual = true;
    Future<Lease<FakeFactory.Conn>> first = f.acquire();
    Future<Lease<FakeFactory.Conn>> second = f.acquire();
    f.on(() -> {
      f.factory.completeNext(true);
      return null;
    });
    ApiError failed = failure(first);
    assertThat(failed.code()).isEqualTo("backend_unavailable");
    assertThat(failed.getMessage()).contains("connection refused (fake)");
    assertThat(f.on(() -> f.factory.inFlight)).as("a new creation for the next waiter").isEqualTo(1);
    f.on(() -> {
      f.factory.completeNext(false);
      return null;
    });
    second.await().release();
    assertThat(f.pool.counters.creationFailures).isEqualTo(1);
  }

  @Test
  void aConnectionThatBrokeWhileLeasedIsClosedNotReturned(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(2));
    f.acquire().await().discard();
    f.settle();
    assertThat(f.factory.closed).isEqualTo(1);
    assertThat(f.pool.size()).isZero();
    Future<String> failed = f.pool.withConnection(c -> {
      c.broken = true;
      return Future.failedFuture("write failed");
    });
    assertThat(failed.toCompletionStage().handle((v, e) -> e.getMessage()).toCompletableFuture().join())
        .isEqualTo("write failed");
    f.settle();
    assertThat(f.factory.closed).as("validated after the failure, found broken").isEqualTo(2);
    assertThat(f.pool.withConnection(c -> Future.failedFuture("a bad request")).otherwise("x").await())
        .isEqualTo("x");
    assertThat(f.pool.withConnection(c -> Future.succeededFuture(c.id)).await()).as("the healthy one was kept")
        .isEqualTo(3);
    assertThat(f.pool.size()).isEqualTo(1);
  }

  @Test
  void validateOnBorrowReplacesABrokenIdleConnection(Vertx vertx) {
    fixture(vertx, new PoolOptions().setValidateOnBorrow(true));
    Lease<FakeFactory.Conn> first = f.acquire().await();
    FakeFactory.Conn c = first.connection();
    first.release();
    f.settle();
    f.on(() -> c.broken = true);
    Lease<FakeFactory.Conn> second = f.acquire().await();
    assertThat(second.connection()).isNotSameAs(c);
    assertThat(c.closed).isTrue();
    second.release();
  }

  @Test
  void closeFailsEveryWaiterAndLaterBorrowers(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(1));
    Lease<FakeFactory.Conn> held = f.acquire().await();
    Future<Lease<FakeFactory.Conn>> waiting = f.acquire();
    f.settle();
    f.pool.close().await();
    assertThat(failure(waiting).code()).isEqualTo("pool_closed");
    assertThat(failure(f.acquire()).code()).isEqualTo("pool_closed");
    held.release();
    f.settle();
    assertThat(f.factory.live).isZero();
  }

  @Test
  void closeClosesIdleConnectionsNowAndLeasedOnesAsTheyComeBack(Vertx vertx) {
    fixture(vertx, new PoolOptions().setMaxSize(3));
    Lease<FakeFactory.Conn> a = f.acquire().await();
    Lease<FakeFactory.Conn> b = f.acquire().await();
    f.acquire().await().release();
    f.settle();
    f.pool.close().await();
    assertThat(f.on(() -> f.factory.closed)).isEqualTo(1);
    assertThat(f.factory.live).as("two leased connections still out").isEqualTo(2);
    a.release();
    b.release();
    f.settle();
    assertThat(f.factory.live).isZero();
    assertThat(f.pool.size()).isZero();
  }

  @Test
  void optionsRejectBadValuesAndMinIdleAboveMaxSize() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PoolOptions().setMaxSize(0))
        .hasMessageContaining("maxSize = 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new PoolOptions().setMaxSize(2).setMinIdle(3).check())
        .hasMessageContaining("minIdle = 3");
    assertThat(new PoolOptions(new PoolOptions().setMaxWaiting(7)).toJson().getInteger("maxWaiting")).isEqualTo(7);
  }
}
