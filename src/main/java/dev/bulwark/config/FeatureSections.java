package dev.bulwark.config;

import dev.bulwark.cache.CacheOptions;
import dev.bulwark.health.HealthOptions;
import dev.bulwark.pool.PoolOptions;
import dev.bulwark.routes.DemoOptions;
import dev.bulwark.routes.LabOptions;
import dev.bulwark.session.SessionOptions;
import dev.bulwark.stream.FilesOptions;
import dev.bulwark.stream.UploadOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the sections of Bulwark's own features ({@code demo}, {@code health}, {@code lab}, {@code cache} and
 * {@code caches}, {@code sessions}, {@code files} and {@code data}, {@code uploads}) into their options. Each key is
 * declared here with its default and range (the options' constants) and its meaning; a value the options would refuse
 * is refused here first, as a {@link ConfigException} that names the key and where it came from.
 */
final class FeatureSections {

  private FeatureSections() {
  }

  static DemoOptions demo(Section s) throws ConfigException {
    return new DemoOptions().setMaxDelay(s.duration("maxDelay", DemoOptions.DEFAULT_MAX_DELAY,
        DemoOptions.MIN_MAX_DELAY, DemoOptions.MAX_MAX_DELAY,
        "Largest `ms` the `/demo/*` routes accept; larger: 400 `bad_parameter`."));
  }

  /** The Redis connection pool behind {@code /db/...}: used only when {@code redis.url} is set. */
  static PoolOptions pool(Section s) throws ConfigException {
    PoolOptions options = new PoolOptions()
        .setMaxSize(s.integer("maxSize", PoolOptions.DEFAULT_MAX_SIZE, PoolOptions.MIN_MAX_SIZE,
            PoolOptions.MAX_MAX_SIZE, "Most Redis connections the pool holds, those being opened included."))
        .setMinIdle(s.integer("minIdle", PoolOptions.DEFAULT_MIN_IDLE, 0, PoolOptions.MAX_MAX_SIZE,
            "Idle connections kept open and ready, within `pool.maxSize`."))
        .setMaxWaiting(s.integer("maxWaiting", PoolOptions.DEFAULT_MAX_WAITING, 0, PoolOptions.MAX_MAX_WAITING,
            "Requests that may wait for a connection; one more gets 503 `pool_exhausted` at once (see README: "
                + "sizing the pool)."))
        .setAcquireTimeout(s.duration("acquireTimeout", PoolOptions.DEFAULT_ACQUIRE_TIMEOUT,
            PoolOptions.MIN_ACQUIRE_TIMEOUT, PoolOptions.MAX_ACQUIRE_TIMEOUT,
            "How long a request waits for a connection; then 503 `pool_timeout` with the pool's state."))
        .setIdleTimeout(s.duration("idleTimeout", PoolOptions.DEFAULT_IDLE_TIMEOUT, Duration.ZERO,
            PoolOptions.MAX_DURATION, "A connection above `pool.minIdle` idle this long is closed; 0s never."))
        .setMaxLifetime(s.duration("maxLifetime", PoolOptions.DEFAULT_MAX_LIFETIME, Duration.ZERO,
            PoolOptions.MAX_DURATION, "A connection older than this is closed when it is next idle; 0s never."))
        .setValidateOnBorrow(s.bool("validateOnBorrow", PoolOptions.DEFAULT_VALIDATE_ON_BORROW,
            "PING an idle connection before lending it (one round trip per acquire)."))
        .setLeakThreshold(s.duration("leakThreshold", PoolOptions.DEFAULT_LEAK_THRESHOLD, Duration.ZERO,
            PoolOptions.MAX_DURATION, "A lease held longer is reported once at WARN with the stack that took it, "
                + "and counted; 0s (the default) turns the check off: it costs a stack capture per acquire."));
    if (options.minIdle() > options.maxSize()) {
      throw new ConfigException("pool.minIdle = " + options.minIdle() + ": expected at most pool.maxSize ("
          + options.maxSize() + ")");
    }
    return options;
  }

  static HealthOptions health(Section s) throws ConfigException {
    return new HealthOptions().setMaxUptime(s.duration("maxUptime", HealthOptions.DEFAULT_MAX_UPTIME,
        HealthOptions.MIN_MAX_UPTIME, HealthOptions.MAX_MAX_UPTIME,
        "After this uptime `/health` says `needs-restart` (a signal for an orchestrator); 0s never."));
  }

  static LabOptions lab(Section s) throws ConfigException {
    return new LabOptions()
        .setEnabled(s.bool("enabled", LabOptions.DEFAULT_ENABLED,
            "Serves `/lab/*` (deliberate leaks for demos and drills); 404 otherwise."))
        .setMaxKb(s.integer("maxKb", LabOptions.DEFAULT_MAX_KB, LabOptions.MIN_MAX_KB, LabOptions.MAX_MAX_KB,
            "Largest `kb` one `/lab/leak/bytes` call may keep."))
        .setMaxLeakBytes(s.size("maxLeakBytes", LabOptions.DEFAULT_MAX_LEAK_BYTES, LabOptions.MIN_MAX_LEAK_BYTES,
            LabOptions.MAX_MAX_LEAK_BYTES, "Most bytes the lab leak may hold in all; past it the call is refused (the "
                + "pressure guard acts long before). `/lab/leak/bytes` and `/lab/leak/cache` count against it."))
        .setMaxLeakHandles(s.integer("maxLeakHandles", LabOptions.DEFAULT_MAX_LEAK_HANDLES,
            LabOptions.MIN_MAX_LEAK_HANDLES, LabOptions.MAX_MAX_LEAK_HANDLES, "Most timers and listeners "
                + "`/lab/leak/timer` and `/lab/leak/listener` may leave behind in all; past it the call is refused."));
  }

  /** {@code cache} holds the limits of every cache route; {@code caches} one section per named cache. */
  static CacheOptions cache(Section cache, Section caches, List<String> names) throws ConfigException {
    CacheOptions options = new CacheOptions()
        .setMaxKeyLength(cache.integer("maxKeyLength", CacheOptions.DEFAULT_MAX_KEY_LENGTH,
            CacheOptions.MIN_MAX_KEY_LENGTH, CacheOptions.MAX_MAX_KEY_LENGTH,
            "Longest cache key (characters); longer: 400 `bad_key`."))
        .setMaxValueSize(cache.size("maxValueSize", CacheOptions.DEFAULT_MAX_VALUE_SIZE,
            CacheOptions.MIN_MAX_VALUE_SIZE, CacheOptions.MAX_MAX_VALUE_SIZE, "Largest cached value; larger: 413 "
                + "`value_too_large` (by Content-Length before reading, else while reading)."))
        .setElevatedFraction(cache.fraction("elevatedFraction", CacheOptions.DEFAULT_ELEVATED_FRACTION,
            CacheOptions.MIN_ELEVATED_FRACTION, CacheOptions.MAX_ELEVATED_FRACTION,
            "At ELEVATED memory pressure every cache shrinks to this fraction of its byte budget, until NORMAL."));
    List<String> inline = cache.stringList("inlineTypes", CacheOptions.MAX_INLINE_TYPES, "Media types a cached value "
        + "is served as; any other stored type is sent as `application/octet-stream` with `Content-Disposition: "
        + "attachment` (so stored HTML or SVG never runs in a browser). Empty: the built-in list (text/plain, "
        + "application/json, application/octet-stream, image/png, image/jpeg, image/gif, image/webp).");
    options.setPublicStats(cache.bool("publicStats", CacheOptions.DEFAULT_PUBLIC_STATS, "Answers `GET /cache/{name}` "
        + "(hits, misses, sizes) on the main port; off, it is 404 there and the figures are only in the admin "
        + "port's `/admin/status` `caches`."));
    if (!inline.isEmpty()) {
      try {
        options.setInlineTypes(inline);
      } catch (IllegalArgumentException e) {
        throw cache.invalid("inlineTypes", new io.vertx.core.json.JsonArray(inline),
            e.getMessage().substring(e.getMessage().indexOf(':') + 2));
      }
    }
    List<CacheOptions.Named> named = new ArrayList<>();
    for (String name : names) {
      named.add(named(name, caches.section(name)));
    }
    return options.setCaches(named);
  }

  private static CacheOptions.Named named(String name, Section s) throws ConfigException {
    int maxEntries = s.integer("maxEntries", CacheOptions.Named.DEFAULT_MAX_ENTRIES, CacheOptions.Named.MIN_MAX_ENTRIES,
        CacheOptions.Named.MAX_MAX_ENTRIES, "Most entries this cache holds. `caches` lists every cache there is: "
            + "`default` exists only while no cache is declared, so declaring one (`caches.users`) removes it unless "
            + "it is declared too.");
    long maxWeight = s.size("maxWeight", CacheOptions.Named.DEFAULT_MAX_WEIGHT, CacheOptions.Named.MIN_MAX_WEIGHT,
        CacheOptions.Named.MAX_MAX_WEIGHT,
        "Most bytes this cache holds (key, value and entry overhead, estimated); least valuable entries go first.");
    Duration write = s.duration("expireAfterWrite", CacheOptions.Named.DEFAULT_EXPIRE_AFTER_WRITE,
        CacheOptions.Named.MIN_EXPIRE, CacheOptions.Named.MAX_EXPIRE,
        "An entry expires this long after it was written; 0s never.");
    Duration access = s.duration("expireAfterAccess", CacheOptions.Named.DEFAULT_EXPIRE_AFTER_ACCESS,
        CacheOptions.Named.MIN_EXPIRE, CacheOptions.Named.MAX_EXPIRE,
        "An entry expires this long after it was last read or written; 0s never.");
    boolean redis = s.bool("redis", CacheOptions.Named.DEFAULT_REDIS, "Shares entries through Redis (`redis.url`): "
        + "read-through and write-through with the same expiry, local copies kept coherent across instances by "
        + "invalidations over Redis pub/sub; the local layer stays bounded and serves for `staleFor` while Redis is "
        + "down.");
    Duration staleFor = s.duration("staleFor", CacheOptions.Named.DEFAULT_STALE_FOR, Duration.ZERO,
        CacheOptions.Named.MAX_STALE_FOR, "With `redis: true`: while the invalidation channel (Redis pub/sub) is down, "
            + "local copies are served for at most this long after the channel was lost, then every read asks Redis (503 "
            + "`backend_unavailable` if unreachable); 0s never serves a local copy unverified.");
    return new CacheOptions.Named(name, maxEntries, maxWeight, write, access, redis, staleFor);
  }

  static SessionOptions sessions(Section s) throws ConfigException {
    SessionOptions options = new SessionOptions()
        .setMaxSessions(s.integer("maxSessions", SessionOptions.DEFAULT_MAX_SESSIONS, SessionOptions.MIN_MAX_SESSIONS,
            SessionOptions.MAX_MAX_SESSIONS,
            "Sessions the local store holds; past it, the least valuable (one-hit first) are evicted."))
        .setTimeout(s.duration("timeout", SessionOptions.DEFAULT_TIMEOUT, SessionOptions.MIN_TIMEOUT,
            SessionOptions.MAX_TIMEOUT, "A session unused this long expires."));
    String cookieName = s.string("cookieName", SessionOptions.DEFAULT_COOKIE_NAME,
        "Name of the session cookie (always HttpOnly).");
    options.setCookieSecure(s.bool("cookieSecure", SessionOptions.DEFAULT_COOKIE_SECURE,
            "Marks the session cookie Secure (set it when served over HTTPS)."))
        .setSameSite(s.choice("sameSite", SessionOptions.DEFAULT_SAME_SITE, SessionOptions.SAME_SITE,
            "SameSite attribute of the session cookie."))
        .setMaxValueSize(s.size("maxValueSize", SessionOptions.DEFAULT_MAX_VALUE_SIZE,
            SessionOptions.MIN_MAX_VALUE_SIZE, SessionOptions.MAX_MAX_VALUE_SIZE,
            "Largest value `PUT /session/data/{key}` stores; larger: 413 `value_too_large`."))
        .setMaxKeys(s.integer("maxKeys", SessionOptions.DEFAULT_MAX_KEYS, SessionOptions.MIN_MAX_KEYS,
            SessionOptions.MAX_MAX_KEYS, "Most data keys one session holds; a write of one more: 413 `too_many_keys`."))
        .setMaxBytes(s.size("maxBytes", SessionOptions.DEFAULT_MAX_BYTES, SessionOptions.MIN_MAX_BYTES,
            SessionOptions.MAX_MAX_BYTES, "Bytes the local session store holds (keys and values, estimated); past it "
                + "the least valuable sessions are evicted; shrinks to `cache.elevatedFraction` of it at ELEVATED "
                + "memory pressure."));
    try {
      return options.setCookieName(cookieName);
    } catch (IllegalArgumentException e) {
      throw s.invalid("cookieName", cookieName, "expected 1 to 64 of A-Z a-z 0-9 . _ -");
    }
  }

  /** {@code files} configures {@code GET /files/...}; {@code data} the streamed {@code GET /data/items}. */
  static FilesOptions files(Section files, Section data) throws ConfigException {
    return new FilesOptions()
        .setRoot(files.string("root", FilesOptions.DEFAULT_ROOT,
            "Directory served by `GET /files/{path}`; nothing outside it is ever served. When it is missing or not a "
            + "readable directory, one WARN at start names it and its absolute path."))
        .setCompress(files.bool("compress", FilesOptions.DEFAULT_COMPRESS,
            "Gzip files whose type compresses when the client accepts it (streamed; never for Range requests)."))
        .setCompressMaxSize(files.size("compressMaxSize", FilesOptions.DEFAULT_COMPRESS_MAX_SIZE,
            FilesOptions.MIN_COMPRESS_MAX_SIZE, FilesOptions.MAX_COMPRESS_MAX_SIZE,
            "Larger files are sent as they are, zero-copy, rather than compressed."))
        .setMaxDataCount(data.integer("maxCount", FilesOptions.DEFAULT_MAX_DATA_COUNT, FilesOptions.MIN_MAX_DATA_COUNT,
            FilesOptions.MAX_MAX_DATA_COUNT, "Largest `count` of `GET /data/items`; more: 400 `bad_count`."));
  }

  static UploadOptions uploads(Section s) throws ConfigException {
    return new UploadOptions()
        .setDir(s.string("dir", UploadOptions.DEFAULT_DIR,
            "Directory uploads are streamed into, under generated names."))
        .setMaxFileSize(s.size("maxFileSize", UploadOptions.DEFAULT_MAX_FILE_SIZE, UploadOptions.MIN_SIZE_LIMIT,
            UploadOptions.MAX_SIZE_LIMIT, "Largest uploaded file; larger: 413 `file_too_large`."))
        .setMaxRequestSize(s.size("maxRequestSize", UploadOptions.DEFAULT_MAX_REQUEST_SIZE,
            UploadOptions.MIN_SIZE_LIMIT, UploadOptions.MAX_SIZE_LIMIT,
            "Largest upload request; larger: 413 `request_too_large` (by Content-Length, else while streaming)."))
        .setMaxFiles(s.integer("maxFiles", UploadOptions.DEFAULT_MAX_FILES, UploadOptions.MIN_MAX_FILES,
            UploadOptions.MAX_MAX_FILES, "Most files in one upload request; more: 413 `too_many_files`."))
        .setMaxFields(s.integer("maxFields", UploadOptions.DEFAULT_MAX_FIELDS, UploadOptions.MIN_MAX_FIELDS,
            UploadOptions.MAX_MAX_FIELDS, "Most form fields besides the files in one upload; more: 413 "
                + "`too_many_fields`. Each is held in memory until its request ends; the main port decodes every "
                + "multipart or urlencoded form with this limit (plus `uploads.maxFiles`)."))
        .setMaxFieldSize((int) s.size("maxFieldSize", UploadOptions.DEFAULT_MAX_FIELD_SIZE,
            UploadOptions.MIN_MAX_FIELD_SIZE, UploadOptions.MAX_MAX_FIELD_SIZE, "Largest value of one form field "
                + "(not a file) of an upload; larger: 413 `field_too_large`. Applies to every form the main port "
                + "decodes."))
        .setMinFreeDisk(s.size("minFreeDisk", UploadOptions.DEFAULT_MIN_FREE_DISK, UploadOptions.MIN_MIN_FREE_DISK,
            UploadOptions.MAX_MIN_FREE_DISK,
            "Free disk an upload must leave in `uploads.dir`: checked by Content-Length before reading and again as "
                + "the body streams; otherwise 507 `insufficient_storage` and the upload is deleted."))
        .setFreeSpaceCheckEvery(s.size("freeSpaceCheckEvery", UploadOptions.DEFAULT_FREE_SPACE_CHECK_EVERY,
            UploadOptions.MIN_FREE_SPACE_CHECK_EVERY, UploadOptions.MAX_FREE_SPACE_CHECK_EVERY,
            "Bytes an upload may write between two looks at the free disk (made off the event loop). A look never "
                + "allows more than the room left above `uploads.minFreeDisk`, so an upload is cut with 507 before it "
                + "crosses that floor."));
  }
}
