package dev.bulwark.routes;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The lab's handle leaks, as the article wrote them: a periodic timer per call that nobody cancels, and a listener per
 * call on one global emitter (the event bus address {@value #ADDRESS}) that nobody removes. Each keeps a small buffer
 * alive, as the article's closures did, counted in the lab's bytes ({@code lab.maxLeakBytes}). Bounded by
 * {@code lab.maxLeakHandles}; {@code POST /lab/reset} cancels and unregisters them all.
 */
final class LabHandles {

  static final String ADDRESS = "bulwark.lab.news";
  /** What each leaked timer or listener holds on to, like the article's closures. */
  private static final int HELD_BYTES = 1024;
  private static final long TICK_MS = 1000;

  private final int maxHandles;
  private final LabLeak bytes;
  private final AtomicInteger count = new AtomicInteger();
  private final ConcurrentLinkedQueue<Long> timers = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<MessageConsumer<Object>> listeners = new ConcurrentLinkedQueue<>();

  LabHandles(int maxHandles, LabLeak bytes) {
    this.maxHandles = maxHandles;
    this.bytes = bytes;
  }

  /** Starts one more periodic timer; false when the lab holds {@code lab.maxLeakHandles}. */
  boolean leakTimer(Vertx vertx) {
    if (!reserve()) {
      return false;
    }
    byte[] held = new byte[HELD_BYTES];
    timers.add(vertx.setPeriodic(TICK_MS, id -> held[0]++));
    return true;
  }

  /** Adds one more listener to the global address; false when the lab holds {@code lab.maxLeakHandles}. */
  boolean leakListener(Vertx vertx) {
    if (!reserve()) {
      return false;
    }
    byte[] held = new byte[HELD_BYTES];
    listeners.add(vertx.eventBus().localConsumer(ADDRESS, message -> held[0]++));
    return true;
  }

  /** One more handle and its buffer's bytes, or neither. */
  private boolean reserve() {
    int before;
    do {
      before = count.get();
      if (before >= maxHandles) {
        return false;
      }
    } while (!count.compareAndSet(before, before + 1));
    if (!bytes.reserve(HELD_BYTES)) {
      count.decrementAndGet();
      return false;
    }
    return true;
  }

  int timers() {
    return timers.size();
  }

  int listeners() {
    return listeners.size();
  }

  /** Cancels every leaked timer and unregisters every leaked listener; returns how many there were. */
  int reset(Vertx vertx) {
    int released = 0;
    Long id;
    while ((id = timers.poll()) != null) {
      vertx.cancelTimer(id);
      released++;
    }
    MessageConsumer<Object> consumer;
    while ((consumer = listeners.poll()) != null) {
      consumer.unregister();
      released++;
    }
    count.addAndGet(-released);
    bytes.release((long) released * HELD_BYTES);
    return released;
  }
}
