package dev.bulwark.leak;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.bulwark.memory.GcNotifications;
import java.lang.management.MemoryUsage;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.function.LongSupplier;

/**
 * The heap's live floor, as the collections reveal it: the old generation (the whole heap for a collector without one)
 * after each GC goes through {@link GcTroughs}, and each trough found waits in a small queue for the detector's next
 * sample. Full collections count like any other: what they leave is a trough too. The queue is bounded; if the
 * detector falls behind, the oldest points go.
 */
final class HeapFloor implements AutoCloseable {

  /** Points kept between two samples; a sample every few seconds sees far fewer troughs than this. */
  private static final int MAX_PENDING = 256;

  /** A trough: old-generation bytes read {@code nanoTime}. */
  record Point(long nanoTime, long bytes) {}

  private final LongSupplier nanoClock;
  private final GcTroughs troughs = new GcTroughs();
  private final ArrayBlockingQueue<Point> pending = new ArrayBlockingQueue<>(MAX_PENDING);
  private volatile long lastPointNanos;
  private GcNotifications notifications;

  HeapFloor(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastPointNanos = nanoClock.getAsLong();
  }

  /** Listens to this JVM's collectors until closed. */
  HeapFloor listen() {
    notifications = GcNotifications.listen(this::onGcSafely);
    return this;
  }

  /** A throwing listener makes the JDK print a stack on its notification thread: never throw. */
  private void onGcSafely(GarbageCollectionNotificationInfo info) {
    try {
      onGc(info);
    } catch (RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(HeapFloor.class).debug("GC notification not understood: {}", e.toString());
    }
  }

  private void onGc(GarbageCollectionNotificationInfo info) {
    Map<String, MemoryUsage> after = info.getGcInfo().getMemoryUsageAfterGc();
    long old = -1;
    long heap = 0;
    for (Map.Entry<String, MemoryUsage> e : after.entrySet()) {
      String pool = e.getKey();
      if (GcNotifications.isOldGen(pool)) {
        old = e.getValue().getUsed();
      }
      if (GcNotifications.isHeapPool(pool)) {
        heap += e.getValue().getUsed();
      }
    }
    afterGc(nanoClock.getAsLong(), old >= 0 ? old : heap, info.getGcAction().contains("major"));
  }

  /**
   * A collection left {@code bytes} in the old generation at {@code nanoTime}: on the notification thread, or a test's.
   * A {@code full} collection leaves only live data, so its reading is a point at once; after a young one only a
   * trough is.
   */
  synchronized void afterGc(long nanoTime, long bytes, boolean full) {
    if (full) {
      troughs.reset(nanoTime, bytes);
      offer(new Point(nanoTime, bytes));
      return;
    }
    double trough = troughs.accept(nanoTime, bytes);
    if (!Double.isNaN(trough)) {
      offer(new Point(troughs.troughNanos(), (long) trough));
    }
  }

  private void offer(Point point) {
    while (!pending.offer(point)) {
      pending.poll();
    }
    lastPointNanos = point.nanoTime();
  }

  /** Takes the points found since the last call, oldest first, into {@code signal}; null drops them (warm-up). */
  void drainInto(TrackedSignal signal) {
    Point p;
    while ((p = pending.poll()) != null) {
      if (signal != null) {
        signal.add(p.nanoTime(), p.bytes());
      }
    }
  }

  /** When the last trough was found (or when this floor was made, before any). */
  long lastPointNanos() {
    return lastPointNanos;
  }

  @Override
  public void close() {
    if (notifications != null) {
      notifications.close();
    }
  }
}
