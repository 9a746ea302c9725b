package dev.bulwark.scope;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The per-request counts of one event loop (scopes opened, released by reason), written only by that loop with opaque
 * stores: no fence and no CAS on the hot path. {@link ScopeCounters} sums every loop's counts when read.
 */
final class LoopCounters {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final int OPENED = 0;

  private final long[] slots = new long[1 + ReleaseReason.values().length];

  void opened() {
    add(OPENED);
  }

  void released(ReleaseReason reason) {
    add(1 + reason.ordinal());
  }

  long openedCount() {
    return (long) LONGS.getOpaque(slots, OPENED);
  }

  long releasedCount(ReleaseReason reason) {
    return (long) LONGS.getOpaque(slots, 1 + reason.ordinal());
  }

  private void add(int slot) {
    LONGS.setOpaque(slots, slot, (long) LONGS.getOpaque(slots, slot) + 1);
  }
}
