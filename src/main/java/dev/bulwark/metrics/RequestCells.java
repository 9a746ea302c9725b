package dev.bulwark.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-series, per-event-loop cells behind {@code http_server_requests_seconds} (a histogram by method, route template
 * and status class) and {@code http_server_responses_total} (by method, route template and exact status). Each event
 * loop writes only its own slots ({@link LoopSlots}); a scrape sums them into Prometheus snapshots. Series are made
 * once per (method, route, status) and live as long as the server; routes pass through the {@link TagValueCap}, so
 * their number is bounded by {@code metrics.maxTagValues}.
 */
final class RequestCells implements MultiCollector {

  static final String HISTOGRAM = "http_server_requests_seconds";
  static final String RESPONSES = "http_server_responses";
  private static final double NANOS_PER_SECOND = 1e9;

  private final int loops;
  private final long[] boundsNanos;
  private final double[] upperBounds;
  private final TagValueCap cap;
  private final Map<String, Series> series = new ConcurrentHashMap<>();

  RequestCells(int loops, List<Duration> bounds, TagValueCap cap) {
    this.loops = loops;
    this.cap = cap;
    this.boundsNanos = bounds.stream().mapToLong(Duration::toNanos).toArray();
    this.upperBounds = new double[boundsNanos.length + 1];
    for (int i = 0; i < boundsNanos.length; i++) {
      upperBounds[i] = boundsNanos[i] / NANOS_PER_SECOND;
    }
    upperBounds[boundsNanos.length] = Double.POSITIVE_INFINITY;
  }

  /** One series' total nanoseconds and bucket counts (not cumulative), per event loop. */
  static final class Series extends LoopSlots {
    private static final int NANOS = 0;
    private static final int FIRST_BUCKET = 1;

    final String method;
    final String route;
    final String status;
    private final long[] bounds;

    Series(int loops, long[] bounds, String method, String route, String status) {
      super(loops, FIRST_BUCKET + bounds.length + 1);
      this.bounds = bounds;
      this.method = method;
      this.route = route;
      this.status = status;
    }

    /** Called only by the event loop that owns {@code loop}. */
    void record(int loop, long nanos) {
      int bucket = 0;
      while (bucket < bounds.length && nanos > bounds[bucket]) {
        bucket++;
      }
      add(loop, FIRST_BUCKET + bucket, 1);
      add(loop, NANOS, nanos);
    }

    long count() {
      long count = 0;
      for (int b = 0; b <= bounds.length; b++) {
        count += sum(FIRST_BUCKET + b);
      }
      return count;
    }

    void addTo(long[] counts) {
      for (int b = 0; b < counts.length; b++) {
        counts[b] += sum(FIRST_BUCKET + b);
      }
    }

    double seconds() {
      return sum(NANOS) / NANOS_PER_SECOND;
    }
  }

  /** The series for these labels, made the first time any event loop sees it. */
  Series series(String method, String route, String status) {
    String key = method + ' ' + route + ' ' + status;
    Series existing = series.get(key);
    if (existing != null) {
      return existing;
    }
    String capped = cap.value(HISTOGRAM, "route", route);
    return series.computeIfAbsent(method + ' ' + capped + ' ' + status,
        k -> new Series(loops, boundsNanos, method, capped, status));
  }

  @Override
  public MetricSnapshots collect() {
    // Series of one status class merge into one histogram point; sorted, so the scrape reads in a stable order.
    Map<String, Point> points = new TreeMap<>();
    CounterSnapshot.Builder responses = CounterSnapshot.builder().name(RESPONSES)
        .help("HTTP responses on the main port, by method, route template and exact status (closed: none sent)");
    for (Series s : series.values()) {
      points.computeIfAbsent(s.method + ' ' + s.route + ' ' + statusClass(s.status),
          k -> new Point(s.method, s.route, statusClass(s.status), upperBounds.length)).add(s);
      responses.dataPoint(CounterDataPointSnapshot.builder().value(s.count())
          .labels(Labels.of("method", s.method, "route", s.route, "status", s.status)).build());
    }
    HistogramSnapshot.Builder histogram = HistogramSnapshot.builder().name(HISTOGRAM).unit(Unit.SECONDS)
        .help("HTTP request latency on the main port, by method, route template and status class");
    for (Point p : points.values()) {
      histogram.dataPoint(HistogramDataPointSnapshot.builder()
          .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, p.counts)).sum(p.seconds)
          .labels(Labels.of("method", p.method, "route", p.route, "status", p.status)).build());
    }
    return MetricSnapshots.of(histogram.build(), responses.build());
  }

  @Override
  public List<String> getPrometheusNames() {
    return List.of(HISTOGRAM, RESPONSES);
  }

  /** {@code 2xx} for 200 to 299 and so on; {@code closed} (no answer sent) stays as it is. */
  static String statusClass(String status) {
    return status.length() == 3 && Character.isDigit(status.charAt(0)) ? status.charAt(0) + "xx" : status;
  }

  private static final class Point {
    final String method;
    final String route;
    final String status;
    final long[] counts;
    double seconds;

    Point(String method, String route, String status, int buckets) {
      this.method = method;
      this.route = route;
      this.status = status;
      this.counts = new long[buckets];
    }

    void add(Series s) {
      s.addTo(counts);
      seconds += s.seconds();
    }
  }
}
