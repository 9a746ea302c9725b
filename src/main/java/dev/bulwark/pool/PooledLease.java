package dev.bulwark.pool;

import java.util.concurrent.atomic.AtomicBoolean;

/** A lease of one slot; the first of release and discard wins, from any thread. */
final class PooledLease<C> implements Lease<C> {

  private final BoundedPool<C> pool;
  final Slot<C> slot;
  final Throwable site;
  private final AtomicBoolean ended = new AtomicBoolean();
  long leakTimer = -1;

  PooledLease(BoundedPool<C> pool, Slot<C> slot, Throwable site) {
    this.pool = pool;
    this.slot = slot;
    this.site = site;
  }

  @Override
  public C connection() {
    return slot.connection;
  }

  @Override
  public void release() {
    end(BoundedPool.Return.KEEP);
  }

  @Override
  public void discard() {
    end(BoundedPool.Return.DISCARD);
  }

  /** Gives the connection back to be validated first: its borrower's work failed. */
  void releaseSuspect() {
    end(BoundedPool.Return.CHECK);
  }

  @Override
  public boolean ended() {
    return ended.get();
  }

  private void end(BoundedPool.Return how) {
    if (ended.compareAndSet(false, true)) {
      pool.giveBack(this, how);
    }
  }
}
