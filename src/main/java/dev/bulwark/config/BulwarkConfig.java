package dev.bulwark.config;

import dev.bulwark.admin.AdminOptions;
import dev.bulwark.cache.CacheOptions;
import dev.bulwark.health.HealthOptions;
import dev.bulwark.memory.MemoryOptions;
import dev.bulwark.leak.DoctorOptions;
import dev.bulwark.leak.LeakOptions;
import dev.bulwark.pool.PoolOptions;
import dev.bulwark.metrics.MetricsOptions;
import dev.bulwark.routes.DemoOptions;
import dev.bulwark.routes.LabOptions;
import dev.bulwark.scope.ScopeOptions;
import dev.bulwark.server.HttpOptions;
import dev.bulwark.server.LoggingOptions;
import dev.bulwark.server.RedisOptions;
import dev.bulwark.server.ShutdownOptions;
import dev.bulwark.session.SessionOptions;
import dev.bulwark.stream.FilesOptions;
import dev.bulwark.stream.UploadOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The whole, checked configuration: the options of each subsystem, read from the config's sections, plus the checks
 * that span sections (the memory budgets, Redis for shared caches). Once built it is valid; Bulwark reads its options
 * and never sets them after start.
 */
public final class BulwarkConfig {

  private final HttpOptions http;
  private final ShutdownOptions shutdown;
  private final AdminOptions admin;
  private final MetricsOptions metrics;
  private final LoggingOptions logging;
  private final ScopeOptions scope;
  private final DemoOptions demo;
  private final MemoryOptions memory;
  private final HealthOptions health;
  private final LabOptions lab;
  private final CacheOptions cache;
  private final SessionOptions sessions;
  private final RedisOptions redis;
  private final PoolOptions pool;
  private final FilesOptions files;
  private final UploadOptions uploads;
  private final LeakOptions leaks;
  private final DoctorOptions doctor;
  private final String modulesDir;
  private final List<String> moduleNames;
  private final List<Key> keys;
  private final List<Key> formerNames;
  private final List<String> notices;
  private final Map<String, Object> typed;
  private String overcommitted;
  private int maxConnections;

  private BulwarkConfig(Section root, List<Key> keys, Map<String, Object> typed, List<String> notices,
      ModuleSource moduleSource) throws ConfigException {
    this.http = ServerSections.http(root.section("http"));
    this.shutdown = ServerSections.shutdown(root.section("shutdown"));
    this.admin = ServerSections.admin(root.section("admin"));
    this.metrics = ServerSections.metrics(root.section("metrics"));
    this.logging = ServerSections.logging(root.section("logging"));
    this.scope = GuardSections.scope(root.section("scope"));
    this.demo = FeatureSections.demo(root.section("demo"));
    this.memory = GuardSections.memory(root.section("memory"));
    this.health = FeatureSections.health(root.section("health"));
    this.lab = FeatureSections.lab(root.section("lab"));
    this.cache = FeatureSections.cache(root.section("cache"), root.section("caches"),
        root.names("caches", List.of(CacheOptions.DEFAULT_CACHE), CacheOptions.MAX_CACHES,
            CacheOptions.NAME_PATTERN));
    this.sessions = FeatureSections.sessions(root.section("sessions"));
    this.redis = ServerSections.redis(root.section("redis"));
    this.pool = FeatureSections.pool(root.section("pool"));
    this.files = FeatureSections.files(root.section("files"), root.section("data"));
    this.uploads = FeatureSections.uploads(root.section("uploads"));
    this.leaks = LeakSections.leaks(root.section("leaks"));
    this.doctor = DoctorSections.doctor(root.section("doctor"));
    for (CacheOptions.Named named : cache.caches().values()) {
      if (named.redis() && !redis.enabled()) {
        throw new ConfigException("caches." + named.name() + ".redis = true: needs redis.url to be set");
      }
    }
    Section modules = root.section("modules");
    this.modulesDir = modules.string("dir", DEFAULT_MODULES_DIR,
        "Directory of module jars loaded at start (each in its own class loader, found by ServiceLoader); a missing "
            + "directory loads none.");
    List<String> names = new ArrayList<>();
    for (Map.Entry<String, ModuleSource.Declaration> m : moduleSource.modules(modulesDir).entrySet()) {
      String name = m.getKey();
      if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,63}") || name.equals("dir") || names.contains(name)) {
        throw new ConfigException("route module name \"" + name + "\" is not usable: expected 1 to 64 letters, "
            + "digits, - and _, unique, and not \"dir\"");
      }
      names.add(name);
      m.getValue().declare(modules.section(name));
    }
    this.moduleNames = List.copyOf(names);
    this.keys = keys.stream().filter(k -> !k.type().equals(Key.RENAMED)).toList();
    this.formerNames = keys.stream().filter(k -> k.type().equals(Key.RENAMED)).toList();
    this.notices = Collections.unmodifiableList(notices);
    this.typed = typed;
  }

  /** The modules directory used when {@code modules.dir} is not set. */
  public static final String DEFAULT_MODULES_DIR = "modules";

  static BulwarkConfig build(JsonObject merged, Sources sources, ModuleSource modules) throws ConfigException {
    List<Key> keys = new ArrayList<>();
    Map<String, Object> typed = new java.util.HashMap<>();
    List<String> notices = new ArrayList<>();
    return new BulwarkConfig(new Section("", merged, sources, keys, typed, notices), keys, typed, notices, modules);
  }

  /**
   * Request bodies, every cache and the sessions must fit together in {@code memory.budget}, unless
   * {@code memory.overcommit} allows it.
   */
  void checkBudgets() throws ConfigException {
    Map<String, Long> limits = new java.util.LinkedHashMap<>();
    limits.put("memory.inflightBodyBytes", memory.effectiveInflightBodyBytes());
    for (CacheOptions.Named named : cache.caches().values()) {
      limits.put("caches." + named.name() + ".maxWeight", named.maxWeight());
    }
    if (!redis.enabled()) {
      limits.put("sessions.maxBytes", sessions.maxBytes());
    }
    String problem = dev.bulwark.memory.MemoryBudget.check(memory.effectiveBudget(), memory.budgetHeapShare(), limits);
    if (problem != null && !memory.overcommit()) {
      throw new ConfigException(problem);
    }
    overcommitted = problem;
  }

  /**
   * {@code http.maxConnections} must fit in the process's open-file limit, as read now: a configured bound that cannot
   * is refused here, so the server never learns of it from "Too many open files" under load.
   */
  void checkFileLimit() throws ConfigException {
    try {
      maxConnections = http.resolvedMaxConnections(openFileLimit());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("http." + e.getMessage());
    }
  }

  /** The open-file limit of this process, or -1 where the JVM cannot tell. */
  public static long openFileLimit() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
  }

  /** The main port's connection bound in force: {@code http.maxConnections}, resolved against the open-file limit. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Why the memory budgets do not fit, when {@code memory.overcommit} let them start anyway; else null. */
  public String overcommitted() {
    return overcommitted;
  }

  /** The built-in defaults, the same as {@code conf/bulwark.json}. */
  public static BulwarkConfig defaults() {
    try {
      return build(new JsonObject(), new Sources(), ModuleSource.NONE);
    } catch (ConfigException e) {
      throw new IllegalStateException("built-in defaults are invalid: " + e.getMessage(), e);
    }
  }

  /** Files merged in order (later wins), then {@code BULWARK_*} variables from {@code env}, over the defaults. */
  public static BulwarkConfig load(List<Path> files, Map<String, String> env) throws ConfigException {
    return ConfigLoader.load(files, env, ModuleSource.NONE);
  }

  /** As {@link #load(List, Map)}, with the keys of the modules {@code modules} finds declared and checked too. */
  public static BulwarkConfig load(List<Path> files, Map<String, String> env, ModuleSource modules)
      throws ConfigException {
    return ConfigLoader.load(files, env, modules);
  }

  /** A config from one JSON object, checked as a file would be. */
  public static BulwarkConfig fromJson(JsonObject json) throws ConfigException {
    Sources sources = new Sources();
    JsonObject merged = new JsonObject();
    sources.merge(merged, json, Sources.Origin.JSON, "");
    return ConfigLoader.load(merged, sources, ModuleSource.NONE);
  }

  public HttpOptions http() {
    return http;
  }

  /** The graceful shutdown's options ({@code shutdown}): the readiness grace and the drain's timeout. */
  public ShutdownOptions shutdown() {
    return shutdown;
  }

  public AdminOptions admin() {
    return admin;
  }

  public MetricsOptions metrics() {
    return metrics;
  }

  public LoggingOptions logging() {
    return logging;
  }

  public ScopeOptions scope() {
    return scope;
  }

  public DemoOptions demo() {
    return demo;
  }

  public MemoryOptions memory() {
    return memory;
  }

  public HealthOptions health() {
    return health;
  }

  public LabOptions lab() {
    return lab;
  }

  public CacheOptions cache() {
    return cache;
  }

  public SessionOptions sessions() {
    return sessions;
  }

  public RedisOptions redis() {
    return redis;
  }

  public FilesOptions files() {
    return files;
  }

  /** The Redis connection pool's options ({@code pool}). */
  public PoolOptions pool() {
    return pool;
  }

  public UploadOptions uploads() {
    return uploads;
  }

  /** The leak detector's options ({@code leaks}). */
  public LeakOptions leaks() {
    return leaks;
  }

  /** The doctor's options ({@code doctor}): its delay probes, window and thresholds. */
  public DoctorOptions doctor() {
    return doctor;
  }

  /** {@code modules.dir}: where module jars are loaded from. */
  public String modulesDir() {
    return modulesDir;
  }

  /** The names of the modules whose keys were declared, in mount order. */
  public List<String> moduleNames() {
    return moduleNames;
  }

  /** The checked values of module {@code name}'s own keys, by key (sizes in bytes, durations as Duration). */
  public Map<String, Object> moduleValues(String name) {
    String prefix = "modules." + name + ".";
    Map<String, Object> values = new java.util.HashMap<>();
    typed.forEach((path, value) -> {
      if (path.startsWith(prefix) && path.indexOf('.', prefix.length()) < 0) {
        values.put(path.substring(prefix.length()), value);
      }
    });
    return values;
  }

  /** Every key in declaration order, with its default and the value in force. */
  public List<Key> keys() {
    return keys;
  }

  /** Former names still accepted for keys (each {@link Key#value()} is the key it now is): for the environment. */
  List<Key> formerNames() {
    return formerNames;
  }

  /**
   * What the operator should read at start, one sentence each, to be logged at WARN: a key given under its former
   * name, a certificate that has expired or soon will.
   */
  public List<String> notices() {
    return notices;
  }

  /** The effective config as JSON, secrets that are set masked: what {@code --print-config} prints. */
  public JsonObject toJson() {
    JsonObject root = new JsonObject();
    for (Key key : keys) {
      String[] parts = key.path().split("\\.");
      JsonObject node = root;
      for (int i = 0; i < parts.length - 1; i++) {
        node = node.getJsonObject(parts[i]);
      }
      String leaf = parts[parts.length - 1];
      node.put(leaf, key.type().equals("section") ? new JsonObject() : key.shownValue());
    }
    return root;
  }
}
