package dev.bulwark.routes;

import dev.bulwark.pool.ConnectionPool;
import io.vertx.redis.client.RedisConnection;
import dev.bulwark.cache.NamedCaches;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.health.Health;
import dev.bulwark.session.Sessions;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.stream.StreamMeters;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Bulwark's own route groups, each a {@link RouteModule} mounted through the same interface as a user's. What they
 * share across event loops (the lab leak, the caches, the sessions) is made once per server here.
 */
public final class BuiltInRoutes {

  private BuiltInRoutes() {
  }

  /**
   * Makes fresh route modules for each event loop. {@code scrape} serves {@code metrics.path} on the main port, or is
   * null when the scrape is elsewhere (or metrics are off). The streams' and uploads' meters go into {@code registry}.
   */
  public static Supplier<List<RouteModule>> create(BulwarkConfig config, Health health, NamedCaches caches,
      Sessions sessions, ConnectionPool<RedisConnection> pool, Handler<RoutingContext> scrape,
      MeterRegistry registry) {
    StreamMeters streams = StreamMeters.register(registry);
    // The lab's leaks are made only when the lab is on: a server that does not serve it loads none of its classes.
    Supplier<RouteModule> lab = config.lab().enabled() ? lab(config.lab()) : null;
    return () -> {
      List<RouteModule> modules = new ArrayList<>();
      if (scrape != null) {
        modules.add(new MetricsRoutes(config.metrics().path(), scrape));
      }
      modules.addAll(List.of(new HelloRoutes(), new DemoRoutes(config.demo()), new CriticalRoutes(),
          new HealthRoutes(health, config.http().retryAfter().toSeconds()), new CacheRoutes(caches),
          new SessionRoutes(sessions), new FileRoutes(config.files(), streams),
          new DataRoutes(config.files().maxDataCount(), streams), new UploadRoutes(config.uploads(), streams),
          new DbRoutes(pool, config.redis().keyPrefix())));
      if (lab != null) {
        modules.add(lab.get());
      }
      return modules;
    };
  }

  /** The lab's route group for each event loop, sharing one set of leaks (bounded by {@code lab.*}) per server. */
  private static Supplier<RouteModule> lab(LabOptions options) {
    LabLeak leak = new LabLeak(options.maxLeakBytes());
    LabHandles handles = new LabHandles(options.maxLeakHandles(), leak);
    return () -> new LabRoutes(leak, handles, options);
  }
}
