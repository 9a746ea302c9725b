package dev.bulwark.routes;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The lab's deliberate byte leaks: byte arrays kept in one list, and the article's unbounded global map of strings,
 * for the whole server, so the memory guards and the leak detector can be shown and tested against a real leak.
 * Bounded only by {@code lab.maxLeakBytes} (both together); {@code POST /lab/reset} empties them.
 */
final class LabLeak {

  private final long maxBytes;
  private final ConcurrentLinkedQueue<byte[]> held = new ConcurrentLinkedQueue<>();
  private final AtomicLong bytes = new AtomicLong();
  private final ConcurrentHashMap<String, String> map = new ConcurrentHashMap<>();

  public LabLeak(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Keeps {@code n} more bytes; false if that would pass the bound. */
  boolean keep(int n) {
    if (!reserve(n)) {
      return false;
    }
    held.add(new byte[n]);
    return true;
  }

  /**
   * Puts {@code key} in the global map; false if its estimated size would pass the bound. A key already there keeps
   * its first value (and its count), so the bound holds whatever the calls.
   */
  boolean put(String key, String value) {
    long size = estimate(key, value);
    if (map.containsKey(key) || !reserve(size)) {
      return map.containsKey(key);
    }
    if (map.putIfAbsent(key, value) != null) {
      bytes.addAndGet(-size);
    }
    return true;
  }

  int entries() {
    return map.size();
  }

  /** Two strings of Latin-1 bytes with their headers, and the map's node: about what the heap holds for one entry. */
  private static long estimate(String key, String value) {
    return key.length() + value.length() + 2L * 40 + 32;
  }

  /** Counts {@code n} more bytes against the bound (held elsewhere, by the lab's handles); false if it would pass it. */
  boolean reserve(long n) {
    long before;
    do {
      before = bytes.get();
      if (n > maxBytes - before) {
        return false;
      }
    } while (!bytes.compareAndSet(before, before + n));
    return true;
  }

  /** Drops everything; returns the bytes released. */
  long reset() {
    long released = 0;
    byte[] chunk;
    while ((chunk = held.poll()) != null) {
      released += chunk.length;
    }
    for (String key : map.keySet()) {
      String value = map.remove(key);
      if (value != null) {
        released += estimate(key, value);
      }
    }
    bytes.addAndGet(-released);
    return released;
  }

  /** Gives back bytes {@link #reserve reserved} for what is now released. */
  void release(long n) {
    bytes.addAndGet(-n);
  }

  long bytes() {
    return bytes.get();
  }
}
