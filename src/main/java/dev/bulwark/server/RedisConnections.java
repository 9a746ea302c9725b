package dev.bulwark.server;

import dev.bulwark.pool.ConnectionFactory;
import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Redis connections for a {@link dev.bulwark.pool.ConnectionPool}: each one a {@link RedisConnection} of its own,
 * opened within {@code pool.acquireTimeout} (so an unreachable Redis fails a creation instead of holding a place in
 * the pool), checked with PING, and failing with 503 {@code backend_unavailable}. The client it connects through is
 * made for the pool alone, with as many connections as the pool may hold, so the pool is what bounds them.
 */
final class RedisConnections implements ConnectionFactory<RedisConnection> {

  static final ApiError UNAVAILABLE = new ApiError(503, "backend_unavailable",
      "Redis cannot be reached; retry later.");

  private final Redis client;
  private final long connectTimeoutMillis;

  RedisConnections(Redis client, Duration connectTimeout) {
    this.client = client;
    this.connectTimeoutMillis = connectTimeout.toMillis();
  }

  @Override
  public Future<RedisConnection> create() {
    return client.connect().timeout(connectTimeoutMillis, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(UNAVAILABLE));
  }

  @Override
  public Future<Boolean> validate(RedisConnection connection) {
    return connection.send(Request.cmd(Command.PING)).map(pong -> true).otherwise(false);
  }

  @Override
  public Future<Void> close(RedisConnection connection) {
    return connection.close().otherwise((Void) null);
  }
}
