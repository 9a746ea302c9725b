package dev.bulwark.server;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.cache.NamedCaches;
import dev.bulwark.session.Sessions;
import io.vertx.redis.client.RedisConnection;
import dev.bulwark.pool.ConnectionPool;
import dev.bulwark.admin.AdminStatus;
import dev.bulwark.admin.DashboardRoutes;
import dev.bulwark.admin.AdminToken;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.health.Health;
import dev.bulwark.leak.Diagnostics;
import dev.bulwark.scope.DrainSignal;
import dev.bulwark.scope.ResourceKind;
import dev.bulwark.memory.Budget;
import dev.bulwark.memory.MemoryBudget;
import dev.bulwark.stream.BodyReader;
import dev.bulwark.memory.MemoryMeters;
import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.metrics.Metrics;
import dev.bulwark.metrics.RequestMetricsHandler.RequestMeters;
import dev.bulwark.metrics.RouteAllocations;
import dev.bulwark.routes.BuiltInRoutes;
import dev.bulwark.session.BoundedSessionStore;
import dev.bulwark.scope.ScopeCounters;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Bulwark: one Vert.x instance with an HTTP verticle per event loop on the main port and, when enabled, the
 * admin port. {@link #shutdown()} stops it gracefully ({@link ShutdownSequence}), then releases everything it holds.
 */
public final class BulwarkServer {

  private static final Logger LOG = LoggerFactory.getLogger(BulwarkServer.class);

  private final Vertx vertx;
  private final Metrics metrics;
  private final MemoryMonitor memory;
  private final Health health;
  private final RedisBackends redis;
  private final DrainSignal drain = new DrainSignal();
  private final Listeners listeners = new Listeners();
  private final ShutdownSequence shutdown;
  private Diagnostics diagnostics;
  private NamedCaches caches;
  private volatile int httpPort = -1;
  private volatile int adminPort = -1;
  private volatile int metricsPort = -1;
  private volatile AdminToken adminToken;

  private BulwarkServer(Vertx vertx, Metrics metrics, MemoryMonitor memory, Health health, RedisBackends redis,
      ShutdownOptions shutdownOptions) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.memory = memory;
    this.health = health;
    this.redis = redis;
    this.shutdown = new ShutdownSequence(vertx, shutdownOptions, health, drain, listeners, this::release);
    health.bindTo(metrics.registry());
  }

  /** Starts with Bulwark's routes and every {@link RouteModule} listed as a Java service on the class path. */
  public static Future<BulwarkServer> start(BulwarkConfig config) {
    ModuleCatalog catalog = ModuleCatalog.classPath();
    return start(config, catalog.instances(), catalog::sourceOf);
  }

  /** Starts with Bulwark's routes and the modules {@code userModules} makes, once per event loop. */
  public static Future<BulwarkServer> start(BulwarkConfig config, Supplier<List<RouteModule>> userModules) {
    return start(config, userModules, module -> "supplied");
  }

  /** Starts with Bulwark's routes and the modules the catalog found (class path and {@code modules.dir}). */
  static Future<BulwarkServer> start(BulwarkConfig config, ModuleCatalog catalog) {
    return start(config, catalog.instances(), catalog::sourceOf);
  }

  private static Future<BulwarkServer> start(BulwarkConfig config, Supplier<List<RouteModule>> userModules,
      Function<RouteModule, String> sourceOf) {
    long begin = System.nanoTime();
    Metrics metrics = Metrics.create(config.metrics());
    int instances = config.http().resolvedInstances();
    VertxOptions vertxOptions = new VertxOptions().setEventLoopPoolSize(instances);
    Vertx vertx = metrics.install(Vertx.builder().with(vertxOptions), vertxOptions).build();
    MemoryMonitor memory = MemoryMonitor.start(config.memory());
    BulwarkServer server = new BulwarkServer(vertx, metrics, memory, new Health(config.health(), memory),
        RedisBackends.create(vertx, config), config.shutdown());
    Future<Void> jvmMeters = vertx.executeBlocking(() -> {
      metrics.bindJvm();
      return null;
    });
    Future<Void> filesRoot = vertx.executeBlocking(() -> {
      StartupLog.warnIfUnservable(config.files().root());
      return null;
    });
    return Future.all(server.deploy(config, instances, userModules, sourceOf), jvmMeters, filesRoot).map(server)
        .onSuccess(v -> {
          server.diagnostics.startProbes();
          server.logStarted(config, instances, begin);
        })
        .recover(failure -> server.release().transform(ignored -> Future.failedFuture(failure)));
  }

  private Future<BulwarkServer> deploy(BulwarkConfig config, int instances, Supplier<List<RouteModule>> userModules,
      Function<RouteModule, String> sourceOf) {
    if (redis.check() != null && config.redis().required()) {
      health.requireRedis(redis.check());
    }
    if (config.overcommitted() != null) {
      LOG.warn("Starting overcommitted (memory.overcommit: true): {}", config.overcommitted());
    }
    config.notices().forEach(LOG::warn);
    Admissions admissions = new Admissions(config.http().maxInFlight(), instances,
        () -> memory.recordShed(MemoryMonitor.ShedReason.CONCURRENCY));
    AdminStatus status = new AdminStatus();
    ScopeCounters scopes = new ScopeCounters(config.scope());
    MemoryBudget budget = new MemoryBudget(config.memory().effectiveBudget());
    Budget bodies = budget.reserving("bodies", "memory.inflightBodyBytes", config.memory().effectiveInflightBodyBytes(),
        () -> memory.recordShed(MemoryMonitor.ShedReason.INFLIGHT_BYTES));
    registerStatus(status);
    RejectedRequests rejected = new RejectedRequests(System::nanoTime);
    rejected.bindTo(metrics.registry());
    ConnectionGuard connections = ConnectionGuard.create(config, rejected, memory::level);
    connections.bindTo(metrics.registry());
    status.section("http", () -> admissions.toJson().mergeIn(connections.toJson())
        .put("rejectedByReason", rejected.toJson()));
    MountedModules mounted = new MountedModules();
    status.section("modules", mounted::toJson).section("scopes", scopes::toJson)
        .section("pressure", () -> memory.toJson().put("inflightBodyBytes",
            new JsonObject().put("inUse", bodies.used()).put("limit", bodies.limit())));
    admissions.bindTo(metrics.registry());
    dev.bulwark.admin.BuildInfo.current().bindTo(metrics.registry()); // read once here, off the event loops
    scopes.bindTo(metrics.registry());
    MemoryMeters.bind(metrics.registry(), memory);
    RouteAllocations allocations = startDiagnostics(config, instances, status, scopes);
    ServerParts parts = new ServerParts(metrics, new RequestMeters(metrics, instances), status, scopes,
        memory, new BodyReader(config.http().maxBodySize(), bodies), mounted, health, connections, rejected,
        diagnostics, allocations, drain, listeners);
    Supplier<List<RouteModule>> builtIn = builtInRoutes(config, status, budget);
    status.section("budgets", budget::toJson);
    budget.bindTo(metrics.registry());
    Supplier<List<RouteModule>> modules = () -> {
      List<RouteModule> all = new ArrayList<>(builtIn.get());
      all.addAll(userModules.get());
      return all;
    };
    Function<RouteModule, String> source = m -> m.getClass().getPackage() == BuiltInRoutes.class.getPackage()
        ? MountedModules.BUILT_IN : sourceOf.apply(m);
    Future<String> http = vertx.deployVerticle(
        () -> new HttpVerticle(config, parts, admissions.next(), modules, source, port -> httpPort = port),
        new DeploymentOptions().setInstances(instances));
    if (metrics.enabled() && config.metrics().separatePort()) {
      http = http.compose(id -> vertx.deployVerticle(new MetricsVerticle(config, parts, port -> metricsPort = port)));
    }
    return (config.admin().enabled() ? http.compose(id -> deployAdmin(config, parts)) : http).map(this);
  }

  /** The admin port, with the configured token or a generated one (written to its file once the port is bound). */
  private Future<String> deployAdmin(BulwarkConfig config, ServerParts parts) {
    adminToken = AdminToken.create(config.admin());
    // The dashboard's files are read from the classpath (a jar): blocking, so here, once, off the event loop.
    return vertx.executeBlocking(DashboardRoutes::load).compose(dashboard -> vertx.deployVerticle(
        new AdminVerticle(config, parts, adminToken, dashboard, port -> adminPort = port,
            written -> adminToken = written)));
  }

  /** The caches and the sessions (one of each per server, in the memory budget), then the route groups. */
  private Supplier<List<RouteModule>> builtInRoutes(BulwarkConfig config, AdminStatus status, MemoryBudget budget) {
    NamedCaches caches = redis.shared() == null ? NamedCaches.create(config.cache(), ForkJoinPool.commonPool())
        : NamedCaches.create(config.cache(), ForkJoinPool.commonPool(), vertx, redis.shared(), redis.subscriber(),
            config.redis().keyPrefix());
    this.caches = caches;
    memory.addListener(caches);
    caches.bindTo(metrics.registry());
    caches.addBudgets(budget);
    status.section("caches", caches::toJson);
    Sessions sessions;
    if (redis.shared() != null) {
      sessions = Sessions.redis(redis.shared(), config.redis().keyPrefix(), config.sessions());
    } else {
      BoundedSessionStore local = new BoundedSessionStore(config.sessions(), config.cache().elevatedFraction(),
          ForkJoinPool.commonPool());
      memory.addListener(local);
      budget.tracked("sessions", "sessions.maxBytes", config.sessions().maxBytes(), local::heldBytes);
      sessions = Sessions.local(local);
    }
    status.section("sessions", sessions::toJson);
    sessions.bindTo(metrics.registry());
    boolean scrapeHere = metrics.enabled() && !config.metrics().separatePort();
    ConnectionPool<RedisConnection> pool = redis.pool(vertx, config);
    if (pool != null) {
      status.section("pool", pool::toJson);
      pool.bindTo(metrics.registry());
    }
    return BuiltInRoutes.create(config, health, caches, sessions, pool,
        scrapeHere ? metrics.scrapeHandler() : null, metrics.registry());
  }

  /** The allocation sampler's table and the diagnostics (leak detector, doctor, Netty leaks) with their sections. */
  private RouteAllocations startDiagnostics(BulwarkConfig config, int instances, AdminStatus status,
      ScopeCounters scopes) {
    RouteAllocations allocations = RouteAllocations.create(metrics.registry(), instances,
        config.leaks().allocationSampling());
    status.section("allocations", allocations::toJson);
    diagnostics = Diagnostics.start(vertx, new Diagnostics.Settings(config.leaks(), config.doctor(), config.admin()),
        new Diagnostics.Sources(() -> scopedResources(scopes), memory::toJson, allocations::toJson),
        metrics.registry());
    diagnostics.registerStatus(status);
    return allocations;
  }

  /** Resources held by request and verticle scopes, every kind: a leak through a scope shows here. */
  private static long scopedResources(ScopeCounters scopes) {
    long n = 0;
    for (ResourceKind kind : ResourceKind.values()) {
      n += scopes.outstanding(kind) + scopes.verticleOutstanding(kind);
    }
    return n;
  }

  private void registerStatus(AdminStatus status) {
    status.section("uptimeSeconds", () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000)
        .section("memory", memory::memoryJson);
  }

  private void logStarted(BulwarkConfig config, int instances, long begin) {
    StartupLog.started(config, instances, begin, httpPort, metricsPort, adminPort, adminToken);
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The main port as bound (useful with {@code http.port: 0}). */
  public int httpPort() {
    return httpPort;
  }

  /** The separate scrape port as bound, or -1 when the scrape is on the main port (or metrics are off). */
  public int metricsPort() {
    return metricsPort;
  }

  /** The admin port as bound, or -1 when the admin port is off. */
  public int adminPort() {
    return adminPort;
  }

  /** The admin bearer token, or null when the admin port is off. */
  public String adminToken() {
    return adminToken == null ? null : adminToken.value();
  }

  /** Where a generated admin token was written, or null. */
  public Path adminTokenFile() {
    return adminToken == null ? null : adminToken.file();
  }

  public Metrics metrics() {
    return metrics;
  }

  public MemoryMonitor memory() {
    return memory;
  }

  /**
   * Readiness DOWN for {@code shutdown.readinessGrace}, then a drain within {@code shutdown.timeout}, then the release;
   * once, however often called. True when every request finished; false when some were cut (logged by route).
   */
  public Future<Boolean> shutdown() {
    return shutdown.run();
  }

  /** {@link #shutdown()}, for those who only need it over. */
  public Future<Void> close() {
    return shutdown().mapEmpty();
  }

  /** Once no request needs them: the Redis pool and clients, diagnostics, Vert.x, the monitor and the meters. */
  private Future<Void> release() {
    Future<Void> cachesClosed = caches == null ? Future.succeededFuture() : caches.close();
    Future<Void> redisClosed = cachesClosed.compose(v -> redis.close());
    if (diagnostics != null) {
      diagnostics.close();
    }
    return redisClosed.compose(v -> vertx.close()).onComplete(ar -> {
      memory.close();
      metrics.close();
    });
  }
}
