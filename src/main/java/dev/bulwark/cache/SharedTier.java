package dev.bulwark.cache;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The Redis layer behind a cache with {@code redis: true}: entries are written through to Redis (same expiry) and read
 * through on a local miss, so every instance sees them; each write and delete is followed by its invalidation on the
 * {@link InvalidationChannel}. Keys live under {@code <redis.keyPrefix>cache:<name>:}. Redis down: reads and writes
 * fail with 503 {@code backend_unavailable}; the client reconnects by itself when Redis returns.
 */
final class SharedTier {

  static final ApiError UNAVAILABLE = new ApiError(503, "backend_unavailable",
      "The shared cache tier (Redis) cannot be reached; retry later.");

  private final Redis redis;
  private final String prefix;
  private final long ttlMs;
  private final String cacheName;
  private final InvalidationChannel invalidations;

  SharedTier(Redis redis, String keyPrefix, String cacheName, Duration ttl, InvalidationChannel invalidations) {
    this.redis = redis;
    this.cacheName = cacheName;
    this.invalidations = invalidations;
    this.prefix = keyPrefix + "cache:" + cacheName + ":";
    this.ttlMs = ttl.toMillis();
  }

  /** The shared entry, or null when absent; fails with {@link #UNAVAILABLE} when Redis cannot be reached. */
  Future<CachedValue> get(String key) {
    return redis.send(Request.cmd(Command.GET).arg(prefix + key))
        .map(r -> r == null ? null : decode(r.toBuffer()))
        .recover(e -> Future.failedFuture(UNAVAILABLE));
  }

  /** SET, then the invalidation for the other instances, pipelined on one connection so Redis runs them in order. */
  Future<Void> put(String key, CachedValue value) {
    Request set = Request.cmd(Command.SET).arg(prefix + key).arg(encode(value));
    if (ttlMs > 0) {
      set.arg("PX").arg(ttlMs);
    }
    return writeAndPublish(set, key);
  }

  Future<Void> delete(String key) {
    return writeAndPublish(Request.cmd(Command.DEL).arg(prefix + key), key);
  }

  private Future<Void> writeAndPublish(Request write, String key) {
    return redis.batch(List.of(write, invalidations.message(cacheName, key)))
        .onSuccess(r -> invalidations.published())
        .<Void>mapEmpty().recover(e -> Future.failedFuture(UNAVAILABLE));
  }

  /** [2-byte content-type length][content type][value]. */
  static Buffer encode(CachedValue value) {
    byte[] type = value.contentType().getBytes(StandardCharsets.UTF_8);
    return Buffer.buffer(2 + type.length + value.bytes().length).appendShort((short) type.length).appendBytes(type)
        .appendBytes(value.bytes());
  }

  static CachedValue decode(Buffer b) {
    int typeLength = b.getShort(0);
    String type = b.getString(2, 2 + typeLength, "UTF-8");
    return new CachedValue(b.getBytes(2 + typeLength, b.length()), type);
  }
}
