package dev.bulwark.session;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sessions in Redis, so every instance behind a load balancer sees them. Each session is one hash,
 * {@code <redis.keyPrefix>session:<id>}: a {@code visits} field and one {@code d:<key>} field per data key, with the
 * session timeout as TTL, refreshed by every use. Every operation is one Lua script on that one key, so the limits
 * are checked and the write made atomically, whichever instance sends it, and concurrent writes of different keys all
 * survive (a session stored as one serialized value keeps only the last writer's). One key per session needs no hash
 * tag to stay in one cluster slot. Never a bare key, never FLUSHDB. Redis down or failing: 503
 * {@code backend_unavailable}.
 */
final class RedisSessionStore extends SessionStore {

  /** ARGV: ttl ms, create (1/0). The new count, or nil when there is no session and create is 0. */
  private static final RedisScript VISIT = new RedisScript("""
      if ARGV[2] == '0' and redis.call('EXISTS', KEYS[1]) == 0 then return false end
      local visits = redis.call('HINCRBY', KEYS[1], 'visits', 1)
      redis.call('PEXPIRE', KEYS[1], ARGV[1])
      return visits
      """);
  /**
   * ARGV: ttl ms, create (1/0), field, value, maxKeys, maxValueSize. 1 stored, 0 no session, -1 value too large,
   * -2 too many keys. A session always has its visits field, so it exists once made here, even before any data.
   */
  private static final RedisScript PUT = new RedisScript("""
      if string.len(ARGV[4]) > tonumber(ARGV[6]) then return -1 end
      if redis.call('EXISTS', KEYS[1]) == 0 then
        if ARGV[2] == '0' then return 0 end
        redis.call('HSET', KEYS[1], 'visits', 0)
      end
      if redis.call('HEXISTS', KEYS[1], ARGV[3]) == 0 then
        local keys = redis.call('HLEN', KEYS[1]) - redis.call('HEXISTS', KEYS[1], 'visits')
        if keys >= tonumber(ARGV[5]) then return -2 end
      end
      redis.call('HSET', KEYS[1], ARGV[3], ARGV[4])
      redis.call('PEXPIRE', KEYS[1], ARGV[1])
      return 1
      """);
  /** ARGV: field, ttl ms. The value or nil; a read is a use, so it refreshes the TTL. */
  private static final RedisScript GET = new RedisScript("""
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return redis.call('HGET', KEYS[1], ARGV[1])
      """);
  /** ARGV: field, ttl ms. */
  private static final RedisScript DELETE = new RedisScript("""
      redis.call('HDEL', KEYS[1], ARGV[1])
      redis.call('PEXPIRE', KEYS[1], ARGV[2])
      return 1
      """);
  private static final String DATA_FIELD = "d:";
  private static final Logger LOG = LoggerFactory.getLogger(RedisSessionStore.class);
  private static final ApiError UNAVAILABLE = new ApiError(503, "backend_unavailable",
      "The session store (Redis) cannot be reached; retry later.");

  private final Redis redis;
  private final String prefix;
  private final long ttlMs;

  RedisSessionStore(Redis redis, String keyPrefix, SessionOptions options) {
    super(options);
    this.redis = redis;
    this.prefix = keyPrefix + "session:";
    this.ttlMs = options.timeout().toMillis();
  }

  @Override
  Future<Integer> visit(String id, boolean create) {
    return run(VISIT, id, r -> r.arg(ttlMs).arg(create ? 1 : 0)).map(r -> r == null ? null : r.toInteger());
  }

  @Override
  Future<Boolean> put(String id, String key, Buffer value, boolean create) {
    return run(PUT, id, r -> r.arg(ttlMs).arg(create ? 1 : 0).arg(field(key)).arg(value)
            .arg(options.maxKeys()).arg(options.maxValueSize()))
        .compose(r -> switch (r.toInteger()) {
          case 1 -> Future.succeededFuture(true);
          case 0 -> Future.succeededFuture(false);
          case -1 -> Future.failedFuture(valueTooLarge);
          default -> Future.failedFuture(tooManyKeys);
        });
  }

  @Override
  Future<Buffer> get(String id, String key) {
    return run(GET, id, r -> r.arg(field(key)).arg(ttlMs)).map(r -> r == null ? null : r.toBuffer());
  }

  @Override
  Future<Void> delete(String id, String key) {
    return run(DELETE, id, r -> r.arg(field(key)).arg(ttlMs)).mapEmpty();
  }

  /**
   * Runs {@code script} on session {@code id}'s hash. Any failure is the client's 503: the cause is logged at DEBUG
   * only: otherwise every client could write a log line per request while Redis is down, which the health check
   * already reports (readiness {@code redis_unavailable}).
   */
  private Future<Response> run(RedisScript script, String id, UnaryOperator<Request> args) {
    return script.run(redis, prefix + id, args).recover(failure -> {
      LOG.debug("Session store call failed: {}", failure.toString());
      return Future.failedFuture(UNAVAILABLE);
    });
  }

  /** Data fields have their own prefix, so no key can be taken for the visits field. */
  private static Buffer field(String key) {
    return Buffer.buffer(DATA_FIELD + key, StandardCharsets.UTF_8.name());
  }

  @Override
  JsonObject toJson() {
    return new JsonObject().put("store", "redis").put("keyPrefix", prefix);
  }
}
