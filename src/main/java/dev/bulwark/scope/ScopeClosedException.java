package dev.bulwark.scope;

/**
 * Thrown to code that acquires a resource through a scope that has already been released (its request is over). The
 * resource was never made or has been released at once: nothing is left behind.
 */
public final class ScopeClosedException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  ScopeClosedException(String message) {
    super(message);
  }
}
