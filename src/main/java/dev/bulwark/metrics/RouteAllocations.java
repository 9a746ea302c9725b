package dev.bulwark.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bytes that sampled requests allocated, per route template, for one server: what its event loops'
 * {@link AllocationSampler}s measure ({@code leaks.allocationSampling}: one routed request in N). Each loop writes
 * only its own slots; {@link #heaviest}, {@link #toJson} and the meters read them all. Meters, per route:
 * {@code bulwark_request_allocated_bytes_total} (bytes of the sampled requests), {@code
 * bulwark_request_allocation_samples_total} (requests sampled) and {@code bulwark_request_allocated_max_bytes} (the
 * most one sampled request allocated), so a route's bytes per request is the ratio of the first two.
 *
 * <p>The figure is the event loop thread's allocation between the request's arrival and its end: exact for a route
 * that answers synchronously, an upper bound for one that answers later, since whatever else the loop ran meanwhile
 * (other requests, timers) is counted too. Allocation by worker threads on the request's behalf is not counted.
 *
 * <p>Needs HotSpot's per-thread allocation counter ({@code com.sun.management.ThreadMXBean}); where it is missing or
 * disabled, sampling turns itself off with one INFO line.
 */
public final class RouteAllocations {

  public static final String METER_NAME = "bulwark.request.allocated";
  public static final String SAMPLES_METER_NAME = "bulwark.request.allocation.samples";
  public static final String MAX_METER_NAME = "bulwark.request.allocated.max";
  /** Routes {@link #toJson()} lists, heaviest first. */
  public static final int DEFAULT_TOP = 10;

  private static final Logger LOG = LoggerFactory.getLogger(RouteAllocations.class);

  private final MeterRegistry registry;
  private final int loops;
  private final int sampling;
  private final com.sun.management.ThreadMXBean threads;
  private final String unavailable;
  private final AtomicInteger handed = new AtomicInteger();
  private final Map<String, Cells> routes = new ConcurrentHashMap<>();

  private RouteAllocations(MeterRegistry registry, int loops, int sampling, com.sun.management.ThreadMXBean threads,
      String unavailable) {
    this.registry = registry;
    this.loops = loops;
    this.sampling = sampling;
    this.threads = threads;
    this.unavailable = unavailable;
  }

  /** Sampling one routed request in {@code sampling} (0: none) on each of {@code eventLoops} loops. */
  public static RouteAllocations create(MeterRegistry registry, int eventLoops, int sampling) {
    return create(registry, eventLoops, sampling, sampling == 0 ? null : ManagementFactory.getThreadMXBean());
  }

  /** As {@link #create(MeterRegistry, int, int)}, reading allocation from {@code bean} (unused when 0). */
  static RouteAllocations create(MeterRegistry registry, int eventLoops, int sampling, ThreadMXBean bean) {
    if (sampling < 0) {
      throw new IllegalArgumentException("sampling = " + sampling + ": expected 0 (off) or more");
    }
    if (sampling == 0) {
      return new RouteAllocations(registry, eventLoops, 0, null, null);
    }
    String missing = missing(bean);
    if (missing != null) {
      LOG.info("Allocation per route is off: {} (leaks.allocationSampling = {})", missing, sampling);
      return new RouteAllocations(registry, eventLoops, 0, null, missing);
    }
    return new RouteAllocations(registry, eventLoops, sampling, (com.sun.management.ThreadMXBean) bean, null);
  }

  /** Why this JVM cannot count a thread's allocated bytes, or null when it can. */
  private static String missing(ThreadMXBean bean) {
    if (!(bean instanceof com.sun.management.ThreadMXBean hotspot)) {
      return "this JVM has no com.sun.management.ThreadMXBean";
    }
    try {
      if (!hotspot.isThreadAllocatedMemorySupported()) {
        return "this JVM cannot count the bytes a thread allocates";
      }
      if (!hotspot.isThreadAllocatedMemoryEnabled()) {
        return "counting the bytes a thread allocates is disabled (ThreadMXBean.setThreadAllocatedMemoryEnabled)";
      }
    } catch (UnsupportedOperationException e) {
      return "this JVM cannot count the bytes a thread allocates (" + e.getMessage() + ")";
    }
    return null;
  }

  /** True when requests are sampled: a sampling rate above 0 on a JVM that counts allocation per thread. */
  public boolean enabled() {
    return sampling > 0;
  }

  /** One routed request in this many is measured; 0 when none is. */
  public int sampling() {
    return sampling;
  }

  /** The {@code n} routes whose sampled requests allocated the most bytes each on average, heaviest first. */
  public List<RouteAllocation> heaviest(int n) {
    List<RouteAllocation> all = new ArrayList<>();
    routes.forEach((route, cells) -> {
      long samples = cells.sum(Cells.SAMPLES);
      if (samples > 0) {
        all.add(new RouteAllocation(route, samples, cells.sum(Cells.BYTES) / samples, cells.max(Cells.MAX)));
      }
    });
    all.sort(Comparator.comparingLong(RouteAllocation::bytesPerRequest).reversed()
        .thenComparing(RouteAllocation::route));
    return all.size() > n ? List.copyOf(all.subList(0, n)) : all;
  }

  /**
   * {@code {"sampling","routes":[{"route","samples","bytesPerRequest","maxBytes"}]}}: the top routes, heaviest first.
   */
  public JsonObject toJson() {
    return toJson(DEFAULT_TOP);
  }

  /** As {@link #toJson()}, with the {@code top} heaviest routes. */
  public JsonObject toJson(int top) {
    JsonArray list = new JsonArray();
    heaviest(top).forEach(r -> list.add(new JsonObject().put("route", r.route()).put("samples", r.samples())
        .put("bytesPerRequest", r.bytesPerRequest()).put("maxBytes", r.maxBytes())));
    JsonObject json = new JsonObject().put("sampling", sampling).put("routes", list);
    return unavailable == null ? json : json.put("unavailable", unavailable);
  }

  /** What sampled requests of one route allocated. */
  public record RouteAllocation(String route, long samples, long bytesPerRequest, long maxBytes) {
  }

  com.sun.management.ThreadMXBean threads() {
    return threads;
  }

  /** The slot of the next event loop's sampler; one per event loop. */
  int nextLoop() {
    int loop = handed.getAndIncrement();
    if (loop >= loops) {
      throw new IllegalStateException("more allocation samplers than the " + loops + " event loops");
    }
    return loop;
  }

  /** The cells of {@code route}, registering its meters the first time any event loop samples it. */
  Cells cells(String route) {
    Cells existing = routes.get(route);
    if (existing != null) {
      return existing;
    }
    return routes.computeIfAbsent(route, r -> {
      Cells fresh = new Cells(loops);
      FunctionCounter.builder(METER_NAME, fresh, c -> c.sum(Cells.BYTES)).baseUnit("bytes").tag("route", r)
          .description("Bytes allocated by sampled requests on their event loop, by route template")
          .register(registry);
      FunctionCounter.builder(SAMPLES_METER_NAME, fresh, c -> c.sum(Cells.SAMPLES)).tag("route", r)
          .description("Requests whose allocated bytes were measured, by route template").register(registry);
      Gauge.builder(MAX_METER_NAME, fresh, c -> c.max(Cells.MAX)).baseUnit("bytes").tag("route", r)
          .description("Most bytes one sampled request allocated, by route template").register(registry);
      return fresh;
    });
  }

  /** One route's samples, bytes and largest sample, per event loop. */
  static final class Cells extends LoopSlots {
    static final int SAMPLES = 0;
    static final int BYTES = 1;
    static final int MAX = 2;

    Cells(int loops) {
      super(loops);
    }

    /** Called only by the event loop that owns {@code loop}. */
    void record(int loop, long bytes) {
      add(loop, SAMPLES, 1);
      add(loop, BYTES, bytes);
      raise(loop, MAX, bytes);
    }
  }
}
