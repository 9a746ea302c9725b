package dev.bulwark.session;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.impl.SharedDataSessionImpl;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Sessions in Redis, so every instance behind a load balancer sees them: each session is one key under
 * {@code <redis.keyPrefix>session:} with the session's timeout as its TTL. Unlike vertx-web's RedisSessionStore it
 * never uses bare keys and never FLUSHDB: {@link #clear()} and {@link #size()} are refused rather than touching a
 * shared keyspace. Redis down: requests that need a session get 503 {@code backend_unavailable}.
 */
public final class RedisSessionStore extends SessionStoreBase {

  private static final ApiError UNAVAILABLE = new ApiError(503, "backend_unavailable",
      "The session store (Redis) cannot be reached; retry later.");

  private final Redis redis;
  private final String prefix;

  public RedisSessionStore(Vertx vertx, Redis redis, String keyPrefix) {
    super(vertx);
    this.redis = redis;
    this.prefix = keyPrefix + "session:";
  }

  @Override
  public Future<Session> get(String id) {
    return redis.send(Request.cmd(Command.GET).arg(prefix + id))
        .recover(e -> Future.failedFuture(UNAVAILABLE))
        .map(r -> {
          if (r == null) {
            return null;
          }
          SharedDataSessionImpl session = new SharedDataSessionImpl(random);
          session.readFromBuffer(0, r.toBuffer());
          return session;
        });
  }

  @Override
  public Future<Void> delete(String id) {
    return redis.send(Request.cmd(Command.DEL).arg(prefix + id)).<Void>mapEmpty()
        .recover(e -> Future.failedFuture(UNAVAILABLE));
  }

  /** Last writer wins: Redis holds one version; concurrent requests of one session are rare and benign here. */
  @Override
  public Future<Void> put(Session session) {
    Buffer bytes = Buffer.buffer();
    ((SharedDataSessionImpl) session).writeToBuffer(bytes);
    return redis.send(Request.cmd(Command.SET).arg(prefix + session.id()).arg(bytes).arg("PX")
            .arg(session.timeout()))
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(UNAVAILABLE));
  }

  @Override
  public Future<Void> clear() {
    return Future.failedFuture(new UnsupportedOperationException(
        "clearing sessions in a shared Redis is refused; delete the keys under " + prefix + " yourself"));
  }

  @Override
  public Future<Integer> size() {
    return Future.failedFuture(new UnsupportedOperationException("not counted in a shared Redis"));
  }

  @Override
  public void close() {
    // The Redis client belongs to the server, which closes it.
  }
}
