package dev.bulwark.scope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The per-request counts of one event loop (scopes opened, released by reason, requests timed out), written only by
 * that loop with release stores: no fence (a plain store on x86) and no CAS on the hot path. {@link ScopeCounters}
 * sums every loop's counts when read.
 */
final class LoopCounters {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /** 128 bytes on either side: another loop's counts must not share a cache line with these (false sharing). */
  private static final int PAD = 16;
  private static final int OPENED = PAD;
  private static final int TIMED_OUT = PAD + 1;
  private static final int RELEASED = PAD + 2;

  private final long[] slots = new long[RELEASED + ReleaseReason.values().length + PAD];

  void opened() {
    add(OPENED);
  }

  void released(ReleaseReason reason) {
    add(RELEASED + reason.ordinal());
  }

  /** A request, with or without a scope, was answered 503 {@code request_timeout}. */
  void timedOut() {
    add(TIMED_OUT);
  }

  long openedCount() {
    return (long) LONGS.getOpaque(slots, OPENED);
  }

  /** An acquiring read: what the loop counted before this release (its scope's opening) is seen after it. */
  long releasedCount(ReleaseReason reason) {
    return (long) LONGS.getAcquire(slots, RELEASED + reason.ordinal());
  }

  long timedOutCount() {
    return (long) LONGS.getOpaque(slots, TIMED_OUT);
  }

  /**
   * Scopes of this loop made and not yet released. Releases are read first, with acquiring reads, then openings: every
   * scope whose release was counted has its opening counted too, and openings only grow meanwhile, so a scope open
   * throughout is never missed (read the other way round, scopes opened and released between the two reads would
   * cancel it out, down to 0 or below).
   */
  long openCount() {
    long released = 0;
    for (ReleaseReason reason : ReleaseReason.values()) {
      released += releasedCount(reason);
    }
    return openedCount() - released;
  }

  /** Only this loop writes: a read and a release store, never a lost update. */
  private void add(int slot) {
    LONGS.setRelease(slots, slot, (long) LONGS.getOpaque(slots, slot) + 1);
  }
}
