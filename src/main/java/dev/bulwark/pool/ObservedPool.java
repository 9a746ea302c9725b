package dev.bulwark.pool;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * What needs no pool state: what anyone may read of a pool from any thread (its name, options, counters and state:
 * the pool's context is the only writer of the state fields, so volatile fields suffice; a reader sees each one
 * exact, the set nearly so), and {@link #withConnection}, made of {@link #acquire()}.
 */
abstract class ObservedPool<C> implements ConnectionPool<C> {

  final String name;
  final PoolOptions options;
  final PoolCounters counters = new PoolCounters();
  volatile int size;
  volatile int active;
  volatile int idle;
  volatile int pending;
  volatile boolean closed;
  /** True while a new borrower would be refused pool_exhausted: no idle connection and the queue full. */
  volatile boolean full;

  ObservedPool(String name, PoolOptions options) {
    this.name = name;
    this.options = options;
  }

  /** The state in words, for failure messages: {@code size 8, active 8, idle 0, waiting 12, maxSize 8}. */
  String stateText() {
    return "size " + size + ", active " + active + ", idle " + idle + ", waiting " + pending + ", maxSize "
        + options.maxSize();
  }

  /** The state as JSON: the details of a refusal and the head of {@link #toJson()}. */
  JsonObject state() {
    return new JsonObject().put("pool", name).put("size", size).put("active", active).put("idle", idle)
        .put("waiting", pending);
  }

  @Override
  public <T> Future<T> withConnection(Function<C, Future<T>> fn) {
    return acquire().compose(lease -> {
      Future<T> work;
      try {
        work = fn.apply(lease.connection());
      } catch (RuntimeException e) {
        work = Future.failedFuture(e);
      }
      if (work == null) {
        work = Future.failedFuture(new NullPointerException("withConnection: the function returned null"));
      }
      return work.andThen(ar -> {
        if (ar.succeeded()) {
          lease.release();
        } else {
          ((PooledLease<C>) lease).releaseSuspect();
        }
      });
    });
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public int active() {
    return active;
  }

  @Override
  public int idle() {
    return idle;
  }

  @Override
  public int pending() {
    return pending;
  }

  @Override
  public JsonObject toJson() {
    // The fields of API.md's GET /db/pool first, then the rest.
    return state().put("maxSize", options.maxSize()).put("maxWaiting", options.maxWaiting()).put("closed", closed)
        .mergeIn(counters.toJson()).put("options", options.toJson());
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counters.bindTo(registry, this);
  }
}
