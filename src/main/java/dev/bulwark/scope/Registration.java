package dev.bulwark.scope;

/** A resource owned by a scope; {@link #release()} gives it up early, at most once. */
public interface Registration {

  /**
   * Runs the undo action now unless it already ran; the scope forgets the resource. Call it where the scope may be
   * used: a request scope's registration from its request's event loop only (from another thread it throws
   * {@link IllegalStateException} and nothing is released: hop back first, through the request's
   * {@code io.vertx.core.Context#runOnContext}).
   */
  void release();

  /** True once released, early or by the scope. */
  boolean released();
}
