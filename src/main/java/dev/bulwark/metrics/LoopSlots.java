package dev.bulwark.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A few longs per event loop, each loop writing only its own with opaque stores (no fences, no CAS) and readers
 * summing (or taking the largest of) every loop's when a meter is scraped. Each loop's fields sit {@link #PADDING}
 * longs (or more) apart from the next loop's and from the array's ends: side by side, two loops writing their own
 * slots on every request would pass one cache line back and forth between their cores (false sharing), which costs
 * more than the counting itself.
 */
class LoopSlots {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /** 128 bytes: two cache lines, since CPUs prefetch lines in pairs. */
  private static final int PADDING = 16;

  private final int stride;
  private final long[] slots;

  /** Room for up to half of {@link #PADDING} fields per loop. */
  LoopSlots(int loops) {
    this(loops, PADDING);
  }

  /** Room for {@code fields} fields per loop, each loop's block at least {@link #PADDING} longs from the next. */
  LoopSlots(int loops, int fields) {
    this.stride = fields <= PADDING / 2 ? PADDING : fields + PADDING;
    this.slots = new long[(loops + 1) * stride];
  }

  /** Adds {@code delta} to {@code field} of {@code loop}; called only by the event loop that owns {@code loop}. */
  final void add(int loop, int field, long delta) {
    int i = (loop + 1) * stride + field;
    LONGS.setOpaque(slots, i, (long) LONGS.getOpaque(slots, i) + delta);
  }

  /** Keeps the larger of {@code value} and {@code field} of {@code loop}; called only by the loop that owns it. */
  final void raise(int loop, int field, long value) {
    int i = (loop + 1) * stride + field;
    if (value > (long) LONGS.getOpaque(slots, i)) {
      LONGS.setOpaque(slots, i, value);
    }
  }

  /** {@code field} summed over the event loops. */
  final long sum(int field) {
    long total = 0;
    for (int i = stride + field; i < slots.length; i += stride) {
      total += (long) LONGS.getOpaque(slots, i);
    }
    return total;
  }

  /** The largest {@code field} of any event loop. */
  final long max(int field) {
    long max = 0;
    for (int i = stride + field; i < slots.length; i += stride) {
      max = Math.max(max, (long) LONGS.getOpaque(slots, i));
    }
    return max;
  }
}
