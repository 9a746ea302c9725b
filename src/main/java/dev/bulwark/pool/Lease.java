package dev.bulwark.pool;

/**
 * One connection lent by a {@link ConnectionPool}, until {@link #release()} or {@link #discard()}, whichever comes
 * first; later calls of either do nothing. Both may be called from any thread.
 */
public interface Lease<C> {

  /** The leased connection; do not use it after the lease ended. */
  C connection();

  /** Gives the connection back for the next borrower (or closes it if the pool closed or it is past its lifetime). */
  void release();

  /** Says the connection broke while leased: it is closed, not returned, and its place in the pool freed. */
  void discard();

  /** True once released or discarded. */
  boolean ended();
}
