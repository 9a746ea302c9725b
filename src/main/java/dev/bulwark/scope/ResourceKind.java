package dev.bulwark.scope;

import java.util.Locale;

/** The kinds of resource a scope owns; each has its own count of live resources. */
public enum ResourceKind {
  TIMER, CONSUMER, LISTENER, FILE, CLOSEABLE, LEASE;

  /** The name used in status JSON and metric labels: {@code timers}, {@code consumers}, ... */
  public String plural() {
    return name().toLowerCase(Locale.ROOT) + "s";
  }
}
