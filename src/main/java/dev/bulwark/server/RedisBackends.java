package dev.bulwark.server;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.health.RedisCheck;
import dev.bulwark.pool.ConnectionPool;
import dev.bulwark.pool.PoolOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import java.time.Duration;

/**
 * The server's Redis clients, none without {@code redis.url}: the shared one (caches, sessions, the health check),
 * reconnecting by itself and logging no ERROR of its own ({@link QuietRedis}), and the pool behind {@code /db/...}
 * with a client of its own sized to the pool, so the pool alone bounds its connections. {@link #close()} closes the
 * pool first, then the clients.
 */
final class RedisBackends {

  private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

  private final Redis shared;
  /** One connection, held by the cache invalidation subscription (a subscribed connection can serve nothing else). */
  private final Redis subscriber;
  private final RedisCheck check;
  private ConnectionPool<RedisConnection> pool;
  private Redis poolClient;

  private RedisBackends(Redis shared, Redis subscriber, RedisCheck check) {
    this.shared = shared;
    this.subscriber = subscriber;
    this.check = check;
  }

  static RedisBackends create(Vertx vertx, BulwarkConfig config) {
    if (!config.redis().enabled()) {
      return new RedisBackends(null, null, null);
    }
    Redis shared = new QuietRedis(Redis.createClient(vertx, new io.vertx.redis.client.RedisOptions()
        .setConnectionString(config.redis().url())
        .setMaxPoolSize(config.redis().maxPoolSize())
        .setMaxPoolWaiting(config.redis().maxPoolWaiting())));
    Redis subscriber = new QuietRedis(Redis.createClient(vertx, new io.vertx.redis.client.RedisOptions()
        .setConnectionString(config.redis().url()).setMaxPoolSize(1).setMaxPoolWaiting(1)));
    return new RedisBackends(shared, subscriber, new RedisCheck(vertx, shared, CHECK_INTERVAL));
  }

  /** The shared client, or null without {@code redis.url}. */
  Redis shared() {
    return shared;
  }

  /** The client of the cache invalidation subscription, or null without {@code redis.url}. */
  Redis subscriber() {
    return subscriber;
  }

  /** The health check on the shared client, or null. */
  RedisCheck check() {
    return check;
  }

  /** Makes the pool (once), or null without {@code redis.url}. */
  ConnectionPool<RedisConnection> pool(Vertx vertx, BulwarkConfig config) {
    if (shared == null || pool != null) {
      return pool;
    }
    PoolOptions options = config.pool();
    poolClient = new QuietRedis(Redis.createClient(vertx, new io.vertx.redis.client.RedisOptions()
        .setConnectionString(config.redis().url())
        .setMaxPoolSize(options.maxSize())
        .setMaxPoolWaiting(options.maxSize())));
    pool = ConnectionPool.create(vertx, options, new RedisConnections(poolClient, options.acquireTimeout()), "redis");
    return pool;
  }

  /** Closes the pool (its leases are given back or cut), then both clients; never fails. */
  Future<Void> close() {
    Future<Void> poolClosed = pool == null ? Future.succeededFuture()
        : pool.close().eventually(() -> poolClient.close());
    if (check != null) {
      check.close();
      shared.close();
      subscriber.close();
    }
    return poolClosed.otherwiseEmpty();
  }
}
