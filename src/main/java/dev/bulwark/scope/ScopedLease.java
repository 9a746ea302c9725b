package dev.bulwark.scope;

import dev.bulwark.pool.Lease;

/**
 * A lease its scope owns: ending it early also makes the scope forget it, so the scope's count of live leases is
 * right and nothing is given back twice. Like every registration of a request scope, end it from the request's
 * event loop.
 */
final class ScopedLease<C> implements Lease<C> {

  private final Lease<C> lease;
  private final Registration owned;

  ScopedLease(Lease<C> lease, Registration owned) {
    this.lease = lease;
    this.owned = owned;
  }

  @Override
  public C connection() {
    return lease.connection();
  }

  @Override
  public void release() {
    owned.release();
  }

  @Override
  public void discard() {
    // Discarded first, so the scope's undo (a release) then finds the lease ended and does nothing.
    lease.discard();
    owned.release();
  }

  @Override
  public boolean ended() {
    return lease.ended();
  }
}
