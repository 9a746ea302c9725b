package dev.bulwark.scope;

/** A resource owned by a scope; {@link #release()} gives it up early, at most once, whatever calls it. */
public interface Registration {

  /** Runs the undo action now unless it already ran; the scope forgets the resource. */
  void release();

  /** True once released, early or by the scope. */
  boolean released();
}
