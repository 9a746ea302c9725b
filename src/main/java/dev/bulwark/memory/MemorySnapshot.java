package dev.bulwark.memory;

import io.netty.util.internal.PlatformDependent;
import io.vertx.core.json.JsonObject;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * JVM memory figures read from the platform's management beans: heap, non-heap, metaspace, direct buffers (the JVM's
 * pool plus Netty's own counter), and the
 * old generation as the last collection left it (the figure that shows a leak; heap-in-use only shows garbage).
 * Taking one costs microseconds and allocates a few objects: fine on an event loop for a status page.
 */
public record MemorySnapshot(long heapUsed, long heapCommitted, long heapMax, long nonHeapUsed,
    long nonHeapCommitted, long metaspaceUsed, long directUsed, long oldGenAfterLastGc) {

  /**
   * The beans, looked up once: they are the JVM's for its whole life, and looking them up on each sample built their
   * lists and object names anew, four times a second (the memory monitor) and more for the status and dashboard.
   */
  private static final class Beans {
    static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();
    static final MemoryPoolMXBean[] POOLS = ManagementFactory.getMemoryPoolMXBeans().toArray(new MemoryPoolMXBean[0]);
    static final BufferPoolMXBean[] DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct")).toArray(BufferPoolMXBean[]::new);
  }

  public static MemorySnapshot take() {
    MemoryUsage heap = Beans.MEMORY.getHeapMemoryUsage();
    MemoryUsage nonHeap = Beans.MEMORY.getNonHeapMemoryUsage();
    long metaspace = -1;
    long oldGen = -1;
    for (MemoryPoolMXBean pool : Beans.POOLS) {
      String name = pool.getName();
      if (name.equals("Metaspace")) {
        metaspace = pool.getUsage().getUsed();
      } else if (pool.getType() == MemoryType.HEAP && GcNotifications.isOldGen(name)
          && pool.getCollectionUsage() != null) {
        oldGen = pool.getCollectionUsage().getUsed();
      }
    }
    return new MemorySnapshot(heap.getUsed(), heap.getCommitted(), heap.getMax(), nonHeap.getUsed(),
        nonHeap.getCommitted(), metaspace, directInUse(), oldGen);
  }

  /** Direct memory in use: the JVM's direct buffer pool plus Netty's own, which that pool does not see. */
  public static long directInUse() {
    long direct = 0;
    for (BufferPoolMXBean pool : Beans.DIRECT) {
      direct += pool.getMemoryUsed();
    }
    long netty = PlatformDependent.usedDirectMemory();
    if (netty > 0) {
      direct += netty; // Netty's cleaner-less buffers are not in the JVM's direct pool
    }
    return direct;
  }

  /** Figures in bytes; -1 where this JVM does not report one. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("heapUsed", heapUsed)
        .put("heapCommitted", heapCommitted)
        .put("heapMax", heapMax)
        .put("nonHeapUsed", nonHeapUsed)
        .put("nonHeapCommitted", nonHeapCommitted)
        .put("metaspaceUsed", metaspaceUsed)
        .put("directUsed", directUsed)
        .put("oldGenAfterLastGc", oldGenAfterLastGc);
  }
}
