package dev.bulwark.routes;

import dev.bulwark.RouteModule;
import dev.bulwark.cache.NamedCaches;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.health.Health;
import dev.bulwark.memory.BodyBudget;
import io.vertx.ext.web.sstore.SessionStore;
import java.util.ArrayList;
import java.util.List;

/** Bulwark's own route groups, mounted before users' modules; each call makes fresh instances for one event loop. */
public final class BuiltInRoutes {

  /** What the built-in routes share across event loops, built once per server. */
  public record Shared(BulwarkConfig config, Health health, LabLeak leak, BodyBudget budget,
      Runnable onBudgetRefused, NamedCaches caches, SessionStore sessions) {
  }

  private BuiltInRoutes() {
  }

  public static List<RouteModule> create(Shared shared) {
    List<RouteModule> modules = new ArrayList<>(List.of(new HelloRoutes(), new DemoRoutes(), new CriticalRoutes(),
        new HealthRoutes(shared.health(), shared.config().http().retryAfter().toSeconds()),
        new CacheRoutes(shared.caches(), shared.budget(), shared.onBudgetRefused()),
        new SessionRoutes(shared.sessions(), shared.budget(), shared.onBudgetRefused()), new StreamingRoutes(),
        new UploadRoutes()));
    if (shared.config().lab().enabled()) {
      modules.add(new LabRoutes(shared.leak(), shared.budget(), shared.onBudgetRefused()));
    }
    return modules;
  }
}
