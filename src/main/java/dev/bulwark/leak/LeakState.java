package dev.bulwark.leak;

/** Where a signal, or the detector as a whole, stands: the order is the order of severity. */
public enum LeakState {
  OK, SUSPECTED, LEAKING;

  /** As in {@code /admin/leaks}: {@code ok}, {@code suspected}, {@code leaking}. */
  public String label() {
    return name().toLowerCase();
  }
}
