package dev.bulwark.routes;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lab's deliberate leak: byte arrays kept in one list for the whole server, so the memory guards can be shown
 * and tested against a real leak. Bounded only by {@code lab.maxLeakBytes}; {@code POST /lab/reset} empties it.
 */
final class LabLeak {

  private final long maxBytes;
  private final ConcurrentLinkedQueue<byte[]> held = new ConcurrentLinkedQueue<>();
  private final AtomicLong bytes = new AtomicLong();

  public LabLeak(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Keeps {@code n} more bytes; false if that would pass the bound. */
  boolean keep(int n) {
    long before;
    do {
      before = bytes.get();
      if (n > maxBytes - before) {
        return false;
      }
    } while (!bytes.compareAndSet(before, before + n));
    held.add(new byte[n]);
    return true;
  }

  /** Drops everything; returns the bytes released. */
  long reset() {
    long released = 0;
    byte[] chunk;
    while ((chunk = held.poll()) != null) {
      released += chunk.length;
    }
    bytes.addAndGet(-released);
    return released;
  }

  long bytes() {
    return bytes.get();
  }
}
