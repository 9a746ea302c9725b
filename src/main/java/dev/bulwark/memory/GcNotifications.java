package dev.bulwark.memory;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.function.Consumer;
import javax.management.ListenerNotFoundException;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * The JVM's garbage-collection notifications, delivered to one consumer until {@link #close()}, and the names that
 * say which memory pools are the heap and its old generation. The one place Bulwark subscribes to the collectors;
 * the consumer runs on the JVM's notification thread and must be quick.
 */
public final class GcNotifications implements AutoCloseable {

  private final NotificationListener listener;

  private GcNotifications(NotificationListener listener) {
    this.listener = listener;
  }

  /** Subscribes {@code onGc} to every collector of this JVM. */
  public static GcNotifications listen(Consumer<GarbageCollectionNotificationInfo> onGc) {
    NotificationListener listener =
        (n, handback) -> onGc.accept(GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData()));
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener(listener,
            n -> n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
      }
    }
    return new GcNotifications(listener);
  }

  /** A pool of the heap (not metaspace, code cache or compressed class space). */
  public static boolean isHeapPool(String poolName) {
    return !(poolName.contains("Metaspace") || poolName.contains("Code") || poolName.contains("Compressed Class"));
  }

  /** The old generation of G1, Parallel, Serial, generational ZGC or Shenandoah (whose one heap is its old). */
  public static boolean isOldGen(String poolName) {
    return poolName.contains("Old Gen") || poolName.contains("Tenured") || poolName.equals("ZGC Old Generation")
        || poolName.equals("Shenandoah") || poolName.equals("ZHeap");
  }

  @Override
  public void close() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        try {
          emitter.removeNotificationListener(listener);
        } catch (ListenerNotFoundException ignored) {
          // not added to this one
        }
      }
    }
  }
}
