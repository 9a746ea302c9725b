package dev.bulwark.metrics;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Per-series, per-event-loop counters behind {@code http_server_requests_seconds}. Each event loop writes only its own
 * slots ({@link LoopSlots}); the scrape sums them. Series are created once per (route, method, status) and live as
 * long as the server: their number is bounded by routes × methods × statuses.
 */
final class RequestCells {

  private final MeterRegistry registry;
  private final int loops;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  RequestCells(MeterRegistry registry, int loops) {
    this.registry = registry;
    this.loops = loops;
  }

  /** The counters of one series: each event loop's count and total nanoseconds. */
  static final class Series extends LoopSlots {
    private static final int COUNT = 0;
    private static final int NANOS = 1;

    Series(int loops) {
      super(loops);
    }

    /** Called only by the event loop that owns {@code loop}. */
    void record(int loop, long nanos) {
      add(loop, COUNT, 1);
      add(loop, NANOS, nanos);
    }

    long count() {
      return sum(COUNT);
    }

    double totalNanos() {
      return sum(NANOS);
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
