package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Leak reports with the acquiring site, and idle and lifetime eviction on a fake clock. */
@ExtendWith(VertxExtension.class)
class PoolLeakAndEvictionTest {

  private PoolFixture f;

  @AfterEach
  void noLeaseOutstanding() {
    f.settle();
    assertThat(f.pool.active()).isZero();
    f.pool.close().await();
  }

  @Test
  void aLeaseHeldTooLongIsReportedOnceWithWhereItWasAcquired(Vertx vertx) throws Exception {
    f = new PoolFixture(vertx, new PoolOptions().setLeakThreshold(Duration.ofMillis(30)));
    Lease<FakeFactory.Conn>[] held = new Lease[1];
    List<ILoggingEvent> log = CapturedLog.instead(() -> {
      held[0] = f.acquire().await();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (f.pool.counters.leaks == 0 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      Thread.sleep(100);
      return null;
    });
    held[0].release();
    assertThat(f.pool.counters.leaks).isEqualTo(1);
    List<ILoggingEvent> warnings = log.stream()
        .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("leakThreshold")).toList();
    assertThat(warnings).hasSize(1);
    assertThat(Arrays.stream(warnings.get(0).getThrowableProxy().getStackTraceElementProxyArray())
        .map(s -> s.getStackTraceElement().getMethodName()))
        .contains("aLeaseHeldTooLongIsReportedOnceWithWhereItWasAcquired");
    assertThat(f.pool.toJson().getLong("leaks")).isEqualTo(1);
  }

  @Test
  void aLeaseGivenBackInTimeIsNotReported(Vertx vertx) throws Exception {
    f = new PoolFixture(vertx, new PoolOptions().setLeakThreshold(Duration.ofMillis(50)));
    f.acquire().await().release();
    Thread.sleep(100);
    assertThat(f.pool.counters.leaks).isZero();
  }

  @Test
  void idleConnectionsAboveMinIdleAreClosedAfterIdleTimeout(Vertx vertx) {
    f = new PoolFixture(vertx, new PoolOptions().setMaxSize(4).setMinIdle(1)
        .setIdleTimeout(Duration.ofSeconds(10)).setMaxLifetime(Duration.ZERO));
    List<Lease<FakeFactory.Conn>> leases = List.of(f.acquire().await(), f.acquire().await(), f.acquire().await());
    leases.forEach(Lease::release);
    f.settle();
    assertThat(f.pool.idle()).isEqualTo(3);
    f.advanceMillis(9_000);
    f.on(() -> {
      f.pool.evict();
      return null;
    });
    assertThat(f.pool.idle()).isEqualTo(3);
    f.advanceMillis(2_000);
    f.on(() -> {
      f.pool.evict();
      return null;
    });
    assertThat(f.pool.idle()).as("minIdle stays").isEqualTo(1);
    assertThat(f.factory.closed).isEqualTo(2);
  }

  @Test
  void connectionsPastMaxLifetimeAreReplacedWhenIdleAndClosedWhenGivenBack(Vertx vertx) {
    f = new PoolFixture(vertx, new PoolOptions().setMaxSize(2).setMinIdle(1)
        .setIdleTimeout(Duration.ZERO).setMaxLifetime(Duration.ofMinutes(1)));
    f.settle();
    assertThat(f.pool.idle()).as("filled to minIdle at start").isEqualTo(1);
    Lease<FakeFactory.Conn> out = f.acquire().await();
    f.advanceMillis(61_000);
    f.on(() -> {
      f.pool.evict();
      return null;
    });
    assertThat(f.pool.size()).as("a new connection keeps minIdle, the leased one is still out").isEqualTo(2);
    out.release();
    f.settle();
    assertThat(out.connection().closed).as("past its lifetime when given back").isTrue();
    assertThat(f.pool.size()).isEqualTo(1);
  }
}
