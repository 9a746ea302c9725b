package dev.bulwark.server;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's Redis client, whose connection failures reach only the callers' futures. vertx-redis-client 5.0.7
 * gives every pooled connection a default exception handler that logs at ERROR ("Unhandled Error", its issue #430):
 * a request that writes to a connection Redis has just closed makes that line, so while Redis goes down any client
 * could write ERROR lines to the log. Here each connection gets a quiet handler before it is used; the caller's
 * future fails as before (a 503 for it), and the readiness check reports Redis down.
 */
final class QuietRedis implements Redis {

  private static final Logger LOG = LoggerFactory.getLogger(QuietRedis.class);
  private static final Handler<Throwable> QUIET = failure -> LOG.debug("Redis connection failed: {}",
      failure.toString());

  private final Redis redis;

  QuietRedis(Redis redis) {
    this.redis = redis;
  }

  @Override
  public Future<RedisConnection> connect() {
    return redis.connect().map(connection -> connection.exceptionHandler(QUIET));
  }

  @Override
  public Future<Void> close() {
    return redis.close();
  }

  @Override
  public Future<Response> send(Request command) {
    return onePooled(connection -> connection.send(command));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return onePooled(connection -> connection.batch(commands));
  }

  /** Runs {@code call} on a pooled connection, which goes back to the pool whatever the outcome. */
  private <T> Future<T> onePooled(Function<RedisConnection, Future<T>> call) {
    return connect().compose(connection -> call.apply(connection).onComplete(ar -> connection.close()
        .onFailure(QUIET)));
  }
}
