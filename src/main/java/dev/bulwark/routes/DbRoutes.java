package dev.bulwark.routes;

import dev.bulwark.pool.ConnectionPool;
import dev.bulwark.pool.Lease;
import dev.bulwark.scope.RequestScope;
import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * {@code POST /db/counters/{name}/incr} (INCR through a pooled Redis connection leased by the request's scope, so the
 * connection goes back however the request ends) and {@code GET /db/pool} (the pool's figures). Without
 * {@code redis.url}, both are 503 {@code redis_not_configured}.
 */
final class DbRoutes implements RouteModule {

  private static final ApiError NOT_CONFIGURED = new ApiError(503, "redis_not_configured",
      "These routes need Redis: set redis.url.");
  private static final ApiError UNAVAILABLE = new ApiError(503, "backend_unavailable",
      "Redis cannot be reached; retry later.");
  private static final ApiError BAD_NAME = new ApiError(400, "bad_name",
      "A counter name is 1 to 64 of A-Z a-z 0-9 . _ -.");
  private static final String NAME_PATTERN = "[A-Za-z0-9._-]{1,64}";

  private final ConnectionPool<RedisConnection> pool;
  private final String keyPrefix;

  /** {@code pool} is null when Redis is not configured. */
  DbRoutes(ConnectionPool<RedisConnection> pool, String keyPrefix) {
    this.pool = pool;
    this.keyPrefix = keyPrefix + "counter:";
  }

  @Override
  public String name() {
    return "db";
  }

  @Override
  public void mount(Router router, Context context) {
    router.post("/db/counters/:name/incr").handler(this::increment);
    router.get("/db/pool").handler(ctx -> {
      if (pool == null) {
        throw NOT_CONFIGURED;
      }
      ctx.json(pool.toJson());
    });
  }

  private void increment(RoutingContext ctx) {
    if (pool == null) {
      throw NOT_CONFIGURED;
    }
    String name = ctx.pathParam("name");
    if (name == null || !name.matches(NAME_PATTERN)) {
      throw BAD_NAME;
    }
    RequestScope.of(ctx).lease(pool)
        .compose(lease -> incr(lease, name))
        .onSuccess(value -> ctx.json(new JsonObject().put("name", name).put("value", value)))
        .onFailure(e -> ApiError.fail(ctx, e));
  }

  /** INCR on the leased connection; back to the pool at once when it worked, closed when it did not. */
  private Future<Long> incr(Lease<RedisConnection> lease, String name) {
    return lease.connection().send(Request.cmd(Command.INCR).arg(keyPrefix + name))
        .map(Response::toLong)
        .onSuccess(v -> lease.release())
        .recover(e -> {
          lease.discard(); // a failed command leaves the connection's state unknown
          return Future.failedFuture(UNAVAILABLE);
        });
  }
}
