package dev.bulwark.leak;

import dev.bulwark.leak.TrackedSignal.Unit;
import dev.bulwark.memory.MemorySnapshot;
import io.vertx.core.Vertx;
import io.vertx.core.impl.utils.ConcurrentCyclicSequence;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.OperatingSystemMXBean;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signals read by polling, each a {@link Probe}: metaspace, direct memory, live threads, open file descriptors,
 * Vert.x timers and event-bus handlers, and whatever the server adds (scoped resources). Vert.x counts neither its
 * timers nor its handlers in public, so those two read its internals; on a Vert.x whose internals differ they are
 * left out, said once at INFO, and the rest still work.
 */
final class HandleProbes {

  private static final Logger LOG = LoggerFactory.getLogger(HandleProbes.class);

  /** A named signal read on the detector's thread; a negative reading means "not available now". */
  record Probe(String name, Unit unit, LongSupplier read) {}

  private HandleProbes() {
  }

  /** The JVM's own probes and, when its internals allow, those of {@code vertx}. */
  static List<Probe> of(Vertx vertx) {
    List<Probe> probes = new ArrayList<>();
    MemoryPoolMXBean metaspace = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getName().equals("Metaspace")).findFirst().orElse(null);
    if (metaspace != null) {
      probes.add(new Probe("metaspace", Unit.BYTES, () -> metaspace.getUsage().getUsed()));
    }
    probes.add(new Probe("direct", Unit.BYTES, MemorySnapshot::directInUse));
    probes.add(new Probe("threads", Unit.COUNT, () -> ManagementFactory.getThreadMXBean().getThreadCount()));
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      probes.add(new Probe("fileDescriptors", Unit.COUNT, unix::getOpenFileDescriptorCount));
    }
    LongSupplier timers = mapSize(vertx, "timeouts");
    if (timers != null) {
      probes.add(new Probe("timers", Unit.COUNT, timers));
    }
    LongSupplier handlers = handlerCount(vertx);
    if (handlers != null) {
      probes.add(new Probe("eventBusHandlers", Unit.COUNT, handlers));
    }
    return probes;
  }

  /** The size of the map in {@code vertx}'s field {@code name} (its scheduled timers), or null when there is none. */
  private static LongSupplier mapSize(Vertx vertx, String name) {
    Object map = field(vertx, name);
    if (map instanceof Map<?, ?> m) {
      return m::size;
    }
    LOG.info("Leak detector: Vert.x timers are not countable on this Vert.x ({}); the timers signal is off",
        vertx.getClass().getName());
    return null;
  }

  /** Event-bus handlers: the sum over addresses of the handlers registered there, or null. */
  private static LongSupplier handlerCount(Vertx vertx) {
    Object map = field(vertx.eventBus(), "handlerMap");
    if (map instanceof Map<?, ?> m) {
      return () -> {
        long n = 0;
        for (Object handlers : m.values()) {
          n += handlers instanceof ConcurrentCyclicSequence<?> seq ? seq.size() : 1;
        }
        return n;
      };
    }
    LOG.info("Leak detector: event-bus handlers are not countable on this Vert.x; the eventBusHandlers signal is off");
    return null;
  }

  /** The value of the field {@code name} declared by {@code target}'s class or a superclass, or null. */
  private static Object field(Object target, String name) {
    for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(target);
      } catch (NoSuchFieldException e) {
        // look further up
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null;
      }
    }
    return null;
  }
}
