package dev.bulwark.metrics;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-series, per-event-loop counters behind {@code http_server_requests_seconds}. Each event loop writes only its own
 * slot, with opaque stores (no fences, no CAS); the scrape sums the slots. Series are created once per (route, method,
 * status) and live as long as the server: their number is bounded by routes × methods × statuses.
 */
final class RequestCells {

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final MeterRegistry registry;
  private final int loops;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  RequestCells(MeterRegistry registry, int loops) {
    this.registry = registry;
    this.loops = loops;
  }

  /**
   * The counters of one series: each event loop's count and total nanoseconds sit {@link #STRIDE} longs apart from the
   * next loop's and from the array's ends. Side by side, two loops writing their own slots on every request would pass
   * one cache line back and forth between their cores (false sharing), which costs more than the counting itself.
   */
  static final class Series {
    /** 128 bytes: two cache lines, since CPUs prefetch lines in pairs. */
    private static final int STRIDE = 16;
    private final long[] slots;

    Series(int loops) {
      this.slots = new long[(loops + 1) * STRIDE];
    }

    /** Called only by the event loop that owns {@code loop}. */
    void record(int loop, long nanos) {
      int i = (loop + 1) * STRIDE;
      LONGS.setOpaque(slots, i, (long) LONGS.getOpaque(slots, i) + 1);
      LONGS.setOpaque(slots, i + 1, (long) LONGS.getOpaque(slots, i + 1) + nanos);
    }

    long count() {
      return sum(0);
    }

    double totalNanos() {
      return sum(1);
    }

    private long sum(int offset) {
      long total = 0;
      for (int i = STRIDE + offset; i < slots.length; i += STRIDE) {
        total += (long) LONGS.getOpaque(slots, i);
      }
      return total;
    }
  }

  /** The series for these labels, registering its meter the first time any event loop sees it. */
  Series series(String method, String route, String status) {
    String key = method + ' ' + route + ' ' + status;
    Series existing = series.get(key);
    if (existing != null) {
      return existing;
    }
    return series.computeIfAbsent(key, k -> {
      Series fresh = new Series(loops);
      FunctionTimer.builder(RequestMetricsHandler.METER_NAME, fresh, Series::count, Series::totalNanos,
              TimeUnit.NANOSECONDS)
          .tag("method", method).tag("route", route).tag("status", status)
          .description("HTTP requests on the main port, by method, route template and status")
          .register(registry);
      return fresh;
    });
  }
}
