package dev.bulwark.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmHeapPressureMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.vertx.core.Handler;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The server's one meter registry and what feeds it: Vert.x's own metrics for pools and clients, JVM
 * binders, and a Prometheus scrape handler. Per-request HTTP metrics are recorded by {@link RequestMetricsHandler},
 * not by Vert.x, which costs several percent of throughput (see docs/ARCHITECTURE.md); per-message event-bus metrics
 * are off for the same reason. When metrics are off the
 * registry is a no-op one, so capabilities register meters the same way either way.
 */
public final class Metrics implements AutoCloseable {

  /** The metrics category of Vert.x's Redis client (its client type); not a {@link MetricsDomain}. */
  private static final String REDIS_CLIENT_CATEGORY = "redis";

  private final MetricsOptions options;
  private final MeterRegistry registry;
  private final PrometheusMeterRegistry prometheus;
  private final List<MeterBinder> binders = new ArrayList<>();
  private final TagValueCap tagValueCap;

  private Metrics(MetricsOptions options) {
    this.options = options;
    this.tagValueCap = new TagValueCap(options.maxTagValues());
    if (options.enabled()) {
      prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry = prometheus;
      // First of all, so that no meter is registered before its tags are capped.
      registry.config().meterFilter(tagValueCap);
      lintCleanNames(registry);
      FunctionCounter.builder(TagValueCap.FOLDED_METER, tagValueCap, TagValueCap::folded)
          .description("Meter lookups whose tag value was reported as \"other\" (metrics.maxTagValues reached)")
          .register(registry);
    } else {
      prometheus = null;
      registry = new CompositeMeterRegistry();
    }
  }

  public static Metrics create(MetricsOptions options) {
    return new Metrics(options);
  }

  /** Plugs the registry into the Vert.x instance being built, if metrics are on. */
  public VertxBuilder install(VertxBuilder builder, VertxOptions vertxOptions) {
    if (prometheus == null) {
      return builder;
    }
    vertxOptions.setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(false)
        // NET_CLIENT and redis: each Redis connection registers the same gauges again (Micrometer keeps the first one,
        // which then shows one connection's figure, and WARNs); the pool's own meters say what matters.
        .setDisabledMetricsCategories(Set.of(MetricsDomain.HTTP_SERVER.toCategory(),
            MetricsDomain.NET_SERVER.toCategory(), MetricsDomain.EVENT_BUS.toCategory(),
            MetricsDomain.NET_CLIENT.toCategory(), REDIS_CLIENT_CATEGORY)));
    return builder.with(vertxOptions).withMetrics(new MicrometerMetricsFactory(prometheus));
  }

  public MeterRegistry registry() {
    return registry;
  }

  public boolean enabled() {
    return prometheus != null;
  }

  /** Serves the Prometheus text exposition; only when {@link #enabled()}. */
  public Handler<RoutingContext> scrapeHandler() {
    if (prometheus == null) {
      throw new IllegalStateException("metrics are disabled (metrics.enabled: false)");
    }
    return PrometheusScrapingHandler.create(prometheus);
  }

  public MetricsOptions options() {
    return options;
  }

  TagValueCap tagValueCap() {
    return tagValueCap;
  }

  /** Adds meters kept outside Micrometer (per-event-loop cells summed at scrape) to the scrape; none when off. */
  void register(MultiCollector collector) {
    if (prometheus != null) {
      prometheus.getPrometheusRegistry().register(collector);
    }
  }

  /**
   * Binds the JVM meters when {@code metrics.jvm} is on. It reads management beans and loads some 200 classes: run it
   * on a worker thread, beside the server's start rather than before it.
   */
  public synchronized void bindJvm() {
    if (prometheus == null || !options.jvm() || !binders.isEmpty()) {
      return;
    }
    List<MeterBinder> jvm = List.of(new ClassLoaderMetrics(), new JvmGcMetrics(), new JvmHeapPressureMetrics(),
        new JvmInfoMetrics(), new JvmMemoryMetrics(), new JvmThreadMetrics(), new ProcessorMetrics(),
        new UptimeMetrics(), new FileDescriptorMetrics());
    for (MeterBinder binder : jvm) {
      binder.bindTo(registry);
      binders.add(binder);
    }
  }

  /** Names that promtool rejects (a gauge ending in _count, counters in ns or ms) are renamed or dropped. */
  private static void lintCleanNames(MeterRegistry registry) {
    registry.config()
        .meterFilter(MeterFilter.denyNameStartsWith("jvm.compilation"))
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(new MeterFilter() {
          @Override
          public Meter.Id map(Meter.Id id) {
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus.available") : id;
          }
        });
  }

  /** Unhooks JVM listeners (GC notifications, heap pressure) and closes the registry. */
  @Override
  public synchronized void close() {
    for (MeterBinder binder : binders) {
      if (binder instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Closing a binder only removes listeners; a failure there leaves nothing to release.
        }
      }
    }
    binders.clear();
    registry.close();
  }
}
