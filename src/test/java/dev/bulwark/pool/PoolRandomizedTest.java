package dev.bulwark.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Thousands of seeded random acquire, release, discard, failed-create, broken-connection, eviction and close steps,
 * run on the pool's context with a factory that answers at once, so every step completes before the invariants are
 * checked. A failing seed is in the assertion's description.
 */
@ExtendWith(VertxExtension.class)
class PoolRandomizedTest {

  private static final int SEEDS = 20;
  private static final int STEPS = 500;

  @Test
  void invariantsHoldAfterEveryStep(Vertx vertx) {
    for (long seed = 1; seed <= SEEDS; seed++) {
      Random random = new Random(seed);
      PoolOptions options = new PoolOptions().setMaxSize(1 + random.nextInt(5)).setMaxWaiting(random.nextInt(6))
          .setMinIdle(random.nextInt(2)).setValidateOnBorrow(random.nextBoolean())
          .setIdleTimeout(Duration.ofSeconds(1)).setMaxLifetime(Duration.ofSeconds(5)).setLeakThreshold(Duration.ZERO);
      PoolFixture f = new PoolFixture(vertx, options);
      long s = seed;
      f.on(() -> {
        run(f, random, options, "seed " + s);
        return null;
      });
      f.settle();
      assertThat(f.pool.active()).as("seed %d: leases outstanding", seed).isZero();
      assertThat(f.factory.live).as("seed %d: connections left open", seed).isZero();
    }
  }

  private static void run(PoolFixture f, Random random, PoolOptions options, String seed) {
    List<Lease<FakeFactory.Conn>> held = new ArrayList<>();
    for (int step = 0; step < STEPS; step++) {
      int op = random.nextInt(100);
      if (op < 40) {
        f.pool.acquire().onSuccess(held::add);
      } else if (op < 70 && !held.isEmpty()) {
        held.remove(random.nextInt(held.size())).release();
      } else if (op < 78 && !held.isEmpty()) {
        held.remove(random.nextInt(held.size())).discard();
      } else if (op < 84 && !held.isEmpty()) {
        held.get(random.nextInt(held.size())).connection().broken = true;
      } else if (op < 90) {
        f.factory.failNext++;
      } else if (op < 97) {
        f.advanceMillis(random.nextInt(3_000));
        f.pool.evict();
      } else if (op == 99 && step > STEPS / 2) {
        f.pool.close();
      }
      check(f, options, seed + ", step " + step);
    }
    f.pool.close();
    while (!held.isEmpty()) {
      held.remove(0).release();
      check(f, options, seed + ", draining");
    }
  }

  private static void check(PoolFixture f, PoolOptions options, String where) {
    BoundedPool<?> p = f.pool;
    assertThat(p.size()).as(where + ": size <= maxSize").isLessThanOrEqualTo(options.maxSize());
    assertThat(p.active() + p.idle() + p.creating()).as(where + ": active + idle + creating == size")
        .isEqualTo(p.size());
    assertThat(p.pending()).as(where + ": waiting bounded").isLessThanOrEqualTo(options.maxWaiting() + p.creating());
    assertThat(p.idle() == 0 || p.pending() == 0).as(where + ": no waiter while a connection is idle").isTrue();
    assertThat(f.factory.live + f.factory.inFlight).as(where + ": the factory agrees").isEqualTo(p.size());
  }
}
