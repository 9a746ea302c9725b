package dev.bulwark.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Provokes one Netty buffer leak on purpose and waits for it to be reported: at PARANOID every buffer is tracked, and
 * Netty looks for collected ones as it tracks new ones. A test that asserts no other buffer leaked drops the canary
 * after its own work: once the canary is reported, whatever the work left unreleased (collected in the same or an
 * earlier GC) has been reported too. Netty logs each report at ERROR: run this inside {@link CapturedLog#instead}.
 */
public final class LeakCanary {

  private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final AtomicLong DROPPED = new AtomicLong();
  private static final int SETTLE_ROUNDS = 5;

  private LeakCanary() {
  }

  /**
   * A tracked buffer, written to and dropped unreleased. Netty reports a record text only once per JVM, so each canary
   * carries a hint of its own.
   */
  public static void dropUnreleased() {
    ByteBuf buffer = ByteBufAllocator.DEFAULT.heapBuffer(64);
    buffer.touch("leak canary " + DROPPED.incrementAndGet());
    buffer.writeLong(42);
  }

  /** Collects and tracks new buffers until {@code reports} reaches {@code atLeast}; fails after 20 s. */
  public static void awaitReports(LongSupplier reports, long atLeast) {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (reports.getAsLong() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("fewer than " + atLeast + " Netty leak reports in 20 s: " + reports.getAsLong());
      }
      collectAndTrack();
    }
  }

  /**
   * Drops a canary, waits for its report, then collects a few more times: what was left unreleased before the canary
   * and became garbage by then has been reported. Returns the reports, the canary's included.
   */
  public static long reportsAfterCanary(LongSupplier reports) {
    long before = reports.getAsLong();
    dropUnreleased();
    awaitReports(reports, before + 1);
    for (int i = 0; i < SETTLE_ROUNDS; i++) {
      collectAndTrack();
    }
    return reports.getAsLong();
  }

  private static void collectAndTrack() {
    System.gc();
    ByteBufAllocator.DEFAULT.heapBuffer(16).release();
  }
}
