package dev.bulwark.server;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.health.RedisCheck;
import dev.bulwark.pool.ConnectionPool;
import dev.bulwark.pool.PoolOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
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
    RedisOptions redis = config.redis();
    Redis shared = client(vertx, redis, redis.maxPoolSize(), redis.maxPoolWaiting());
    Redis subscriber = client(vertx, redis, 1, 1);
    return new RedisBackends(shared, subscriber, new RedisCheck(vertx, shared, CHECK_INTERVAL));
  }

  /**
   * A client for the configured topology: a sentinel client always talks to the master (commands that write), a
   * cluster client routes each command to the master of its key's slot and never reads from replicas.
   */
  static Redis client(Vertx vertx, RedisOptions redis, int maxPoolSize, int maxPoolWaiting) {
    io.vertx.redis.client.RedisOptions options = new io.vertx.redis.client.RedisOptions()
        .setType(switch (redis.type()) {
          case RedisOptions.SENTINEL -> RedisClientType.SENTINEL;
          case RedisOptions.CLUSTER -> RedisClientType.CLUSTER;
          default -> RedisClientType.STANDALONE;
        })
        .setMaxPoolSize(maxPoolSize)
        .setMaxPoolWaiting(maxPoolWaiting)
        .setRole(RedisRole.MASTER)
        .setUseReplicas(RedisReplicas.NEVER);
    redis.connectionStrings().forEach(options::addConnectionString);
    if (!redis.masterName().isEmpty()) {
      options.setMasterName(redis.masterName());
    }
    if (!redis.password().isEmpty()) {
      options.setPassword(redis.password());
    }
    return new QuietRedis(Redis.createClient(vertx, options));
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
    poolClient = client(vertx, config.redis(), options.maxSize(), options.maxSize());
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
