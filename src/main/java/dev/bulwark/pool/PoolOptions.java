package dev.bulwark.pool;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of one {@link ConnectionPool}. A new object holds the defaults; every setter rejects a value outside its
 * range with an {@link IllegalArgumentException} naming the field. A zero {@code idleTimeout}, {@code maxLifetime} or
 * {@code leakThreshold} turns that check off. The waiting queue is always bounded (Vert.x's own default is not, and its
 * issues #849 and #1842 show such queues growing until the heap runs out).
 */
public final class PoolOptions {

  public static final int DEFAULT_MAX_SIZE = 8;
  public static final int MIN_MAX_SIZE = 1;
  public static final int MAX_MAX_SIZE = 10_000;
  public static final int DEFAULT_MIN_IDLE = 0;
  public static final int DEFAULT_MAX_WAITING = 64;
  public static final int MAX_MAX_WAITING = 100_000;
  public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration MIN_ACQUIRE_TIMEOUT = Duration.ofMillis(1);
  public static final Duration MAX_ACQUIRE_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
  public static final boolean DEFAULT_VALIDATE_ON_BORROW = false;
  /**
   * Off by default, as HikariCP's: the check keeps the stack of every acquire, which costs more than the acquire
   * itself. Leases taken through a request's scope cannot leak anyway; turn it on to find code that holds plain ones.
   */
  public static final Duration DEFAULT_LEAK_THRESHOLD = Duration.ZERO;
  public static final Duration MAX_DURATION = Duration.ofDays(1);

  private int maxSize = DEFAULT_MAX_SIZE;
  private int minIdle = DEFAULT_MIN_IDLE;
  private int maxWaiting = DEFAULT_MAX_WAITING;
  private Duration acquireTimeout = DEFAULT_ACQUIRE_TIMEOUT;
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private Duration maxLifetime = DEFAULT_MAX_LIFETIME;
  private boolean validateOnBorrow = DEFAULT_VALIDATE_ON_BORROW;
  private Duration leakThreshold = DEFAULT_LEAK_THRESHOLD;

  /** The defaults. */
  public PoolOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public PoolOptions(PoolOptions other) {
    maxSize = other.maxSize;
    minIdle = other.minIdle;
    maxWaiting = other.maxWaiting;
    acquireTimeout = other.acquireTimeout;
    idleTimeout = other.idleTimeout;
    maxLifetime = other.maxLifetime;
    validateOnBorrow = other.validateOnBorrow;
    leakThreshold = other.leakThreshold;
  }

  public int maxSize() {
    return maxSize;
  }

  public PoolOptions setMaxSize(int maxSize) {
    this.maxSize = Ranges.of("maxSize", maxSize, MIN_MAX_SIZE, MAX_MAX_SIZE);
    return this;
  }

  /** Idle connections kept ready (as Hikari's minimumIdle), within maxSize; at most maxSize (checked at creation). */
  public int minIdle() {
    return minIdle;
  }

  public PoolOptions setMinIdle(int minIdle) {
    this.minIdle = Ranges.of("minIdle", minIdle, 0, MAX_MAX_SIZE);
    return this;
  }

  /** Borrowers that may wait beyond the creations in flight; 0 fails at once whenever none is free. */
  public int maxWaiting() {
    return maxWaiting;
  }

  public PoolOptions setMaxWaiting(int maxWaiting) {
    this.maxWaiting = Ranges.of("maxWaiting", maxWaiting, 0, MAX_MAX_WAITING);
    return this;
  }

  public Duration acquireTimeout() {
    return acquireTimeout;
  }

  public PoolOptions setAcquireTimeout(Duration acquireTimeout) {
    this.acquireTimeout = Ranges.of("acquireTimeout", acquireTimeout, MIN_ACQUIRE_TIMEOUT, MAX_ACQUIRE_TIMEOUT);
    return this;
  }

  /** How long a connection above {@code minIdle} may stay idle before it is closed; zero: forever. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  public PoolOptions setIdleTimeout(Duration idleTimeout) {
    this.idleTimeout = Ranges.of("idleTimeout", idleTimeout, Duration.ZERO, MAX_DURATION);
    return this;
  }

  /** How long a connection may live; it is closed when next idle or given back after that. Zero: forever. */
  public Duration maxLifetime() {
    return maxLifetime;
  }

  public PoolOptions setMaxLifetime(Duration maxLifetime) {
    this.maxLifetime = Ranges.of("maxLifetime", maxLifetime, Duration.ZERO, MAX_DURATION);
    return this;
  }

  public boolean validateOnBorrow() {
    return validateOnBorrow;
  }

  public PoolOptions setValidateOnBorrow(boolean validateOnBorrow) {
    this.validateOnBorrow = validateOnBorrow;
    return this;
  }

  /**
   * A lease held longer is reported once at WARN with the stack that acquired it, and counted; zero: off (and no stack
   * is captured at acquire).
   */
  public Duration leakThreshold() {
    return leakThreshold;
  }

  public PoolOptions setLeakThreshold(Duration leakThreshold) {
    this.leakThreshold = Ranges.of("leakThreshold", leakThreshold, Duration.ZERO, MAX_DURATION);
    return this;
  }

  /** Checks what no single setter can; returns this. */
  PoolOptions check() {
    Ranges.check(minIdle <= maxSize, "minIdle", minIdle, "at most maxSize (" + maxSize + ")");
    return this;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("maxSize", maxSize)
        .put("minIdle", minIdle)
        .put("maxWaiting", maxWaiting)
        .put("acquireTimeout", acquireTimeout.toMillis() + "ms")
        .put("idleTimeout", idleTimeout.toMillis() + "ms")
        .put("maxLifetime", maxLifetime.toMillis() + "ms")
        .put("validateOnBorrow", validateOnBorrow)
        .put("leakThreshold", leakThreshold.toMillis() + "ms");
  }
}
