package dev.bulwark.memory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The request-body bytes all requests may hold at once ({@code memory.inflightBodyBytes}), Elasticsearch's in-flight
 * requests breaker: a body is admitted only if its bytes fit, so a flood of large uploads is refused before it is in
 * memory rather than after a GC notices. Reservations are released when their request ends.
 */
public final class BodyBudget {

  private final long limit;
  private final AtomicLong inUse = new AtomicLong();

  public BodyBudget(long limit) {
    this.limit = limit;
  }

  /** Reserves {@code bytes} if they fit; false (nothing reserved) otherwise. */
  public boolean tryReserve(long bytes) {
    long current;
    do {
      current = inUse.get();
      if (bytes > limit - current) {
        return false;
      }
    } while (!inUse.compareAndSet(current, current + bytes));
    return true;
  }

  public void release(long bytes) {
    inUse.addAndGet(-bytes);
  }

  public long limit() {
    return limit;
  }

  public long inUse() {
    return inUse.get();
  }
}
