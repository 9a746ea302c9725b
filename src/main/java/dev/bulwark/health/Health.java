package dev.bulwark.health;

import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.memory.PressureLevel;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * What the health routes report: live while the process can serve; ready unless draining for shutdown or under
 * CRITICAL memory pressure; and an overall status that says {@code needs-restart} after {@code health.maxUptime}, a
 * signal an orchestrator can act on. Cheap to read: figures come from the memory monitor's last sample.
 */
public final class Health {

  public static final String HEALTHY = "healthy";
  public static final String DEGRADED = "degraded";
  public static final String NEEDS_RESTART = "needs-restart";

  private final HealthOptions options;
  private final MemoryMonitor monitor;
  private volatile boolean draining;
  private volatile RedisCheck requiredRedis;

  public Health(HealthOptions options, MemoryMonitor monitor) {
    this.options = options;
    this.monitor = monitor;
  }

  /** Readiness is DOWN while this Redis does not answer. */
  public void requireRedis(RedisCheck check) {
    this.requiredRedis = check;
  }

  /** From now on readiness is DOWN: the server is shutting down and load balancers should stop sending. */
  public void startDraining() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Why the server is not ready; empty when it is. */
  public JsonArray notReadyReasons() {
    JsonArray reasons = new JsonArray();
    if (draining) {
      reasons.add("draining");
    }
    if (monitor.level() == PressureLevel.CRITICAL) {
      reasons.add("memory_pressure_critical");
    }
    RedisCheck redis = requiredRedis;
    if (redis != null && !redis.up()) {
      reasons.add("redis_unavailable");
    }
    return reasons;
  }

  /**
   * What the public {@code /health} says: the status and its reason codes, no figures (those are the admin port's
   * {@code /admin/health}), so a stranger learns nothing about the heap or the load.
   */
  public JsonObject publicSummary() {
    PressureLevel level = monitor.level();
    long uptime = uptimeSeconds();
    return new JsonObject().put("status", status(level, uptime)).put("reasons", reasons(level, uptime));
  }

  private String status(PressureLevel level, long uptime) {
    Duration max = options.maxUptime();
    return !max.isZero() && uptime >= max.toSeconds() ? NEEDS_RESTART
        : level != PressureLevel.NORMAL || draining ? DEGRADED : HEALTHY;
  }

  private JsonArray reasons(PressureLevel level, long uptime) {
    JsonArray reasons = new JsonArray();
    Duration max = options.maxUptime();
    if (!max.isZero() && uptime >= max.toSeconds()) {
      reasons.add("max_uptime");
    }
    if (level != PressureLevel.NORMAL) {
      reasons.add("memory_pressure_" + level.name().toLowerCase(java.util.Locale.ROOT));
    }
    if (draining) {
      reasons.add("draining");
    }
    return reasons;
  }

  /**
   * {@code bulwark_health_status}: what {@code GET /health} says now, as 0 healthy, 1 degraded, 2 needs-restart, so an
   * alert can see {@code health.maxUptime} pass without polling the route.
   */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark_health_status", this, h -> statusCode(h.status(h.monitor.level(), h.uptimeSeconds())))
        .description("Overall health as GET /health says it: 0 healthy, 1 degraded, 2 needs-restart")
        .register(registry);
  }

  private static int statusCode(String status) {
    return NEEDS_RESTART.equals(status) ? 2 : DEGRADED.equals(status) ? 1 : 0;
  }

  public long uptimeSeconds() {
    return ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
  }

  /** The {@code GET /health} document. */
  public JsonObject summary() {
    PressureLevel level = monitor.level();
    Duration max = options.maxUptime();
    long uptime = uptimeSeconds();
    String status = status(level, uptime);
    return new JsonObject()
        .put("status", status)
        .put("reasons", reasons(level, uptime))
        .put("uptimeSeconds", uptime)
        .put("pressure", level.name())
        .put("memory", monitor.signals().toJson())
        .put("checks", new JsonObject()
            .put("pressure", level.name())
            .put("draining", draining)
            .put("maxUptimeSeconds", max.toSeconds())
            .put("ready", notReadyReasons().isEmpty()));
  }
}
