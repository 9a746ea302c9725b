package dev.bulwark.pool;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A pool's counters and acquire-wait figures. Only the pool's context writes them (so plain increments of volatile
 * fields are exact); anyone may read them.
 */
final class PoolCounters {

  volatile long acquired;
  volatile long timeouts;
  volatile long rejections;
  /** Refusals decided on the borrower's thread (the pool was seen full), without a hop to the pool. */
  final java.util.concurrent.atomic.LongAdder rejectedAtOnce = new java.util.concurrent.atomic.LongAdder();
  volatile long leaks;
  volatile long creationFailures;
  private volatile long waitNanosTotal;
  private volatile long waitNanosMax;
  private volatile Timer waitTimer;

  long rejected() {
    return rejections + rejectedAtOnce.sum();
  }

  void recordWait(long nanos) {
    acquired++;
    waitNanosTotal += nanos;
    if (nanos > waitNanosMax) {
      waitNanosMax = nanos;
    }
    Timer timer = waitTimer;
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  JsonObject toJson() {
    long count = acquired;
    return new JsonObject()
        .put("acquired", count)
        .put("timeouts", timeouts)
        .put("rejected", rejected())
        .put("leaks", leaks)
        .put("creationFailures", creationFailures)
        .put("acquireWait", new JsonObject()
            .put("meanMs", count == 0 ? 0.0 : waitNanosTotal / 1e6 / count)
            .put("maxMs", waitNanosMax / 1e6));
  }

  /** Gauges read the pool when scraped; the wait timer publishes a histogram for quantiles across instances. */
  void bindTo(MeterRegistry registry, ConnectionPool<?> pool) {
    String name = pool.name();
    gauge(registry, "bulwark.pool.size", "Connections held, counting those being made", pool, p -> p.size(), name);
    gauge(registry, "bulwark.pool.active", "Connections lent out", pool, p -> p.active(), name);
    gauge(registry, "bulwark.pool.idle", "Connections idle", pool, p -> p.idle(), name);
    gauge(registry, "bulwark.pool.pending", "Borrowers waiting", pool, p -> p.pending(), name);
    counter(registry, "bulwark.pool.acquired", "Leases granted", c -> c.acquired, name);
    counter(registry, "bulwark.pool.timeouts", "Borrowers answered pool_timeout", c -> c.timeouts, name);
    counter(registry, "bulwark.pool.rejections", "Borrowers answered pool_exhausted", PoolCounters::rejected, name);
    counter(registry, "bulwark.pool.leaks", "Leases held past leakThreshold", c -> c.leaks, name);
    counter(registry, "bulwark.pool.creation.failures", "Connections that could not be made",
        c -> c.creationFailures, name);
    waitTimer = Timer.builder("bulwark.pool.acquire.wait").tag("pool", name)
        .description("Time from acquire to lease").publishPercentileHistogram().register(registry);
  }

  private static <P> void gauge(MeterRegistry registry, String meter, String help, P pool, ToDoubleFunction<P> f,
      String name) {
    Gauge.builder(meter, pool, f).tag("pool", name).description(help).register(registry);
  }

  private void counter(MeterRegistry registry, String meter, String help, ToDoubleFunction<PoolCounters> f,
      String name) {
    FunctionCounter.builder(meter, this, f).tag("pool", name).description(help).register(registry);
  }
}
