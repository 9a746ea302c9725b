import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

/**
 * The pool benchmark's baseline: POST /db/counters/{name}/incr as a user would write it with vertx-redis-client's own
 * built-in pool (maxPoolSize, maxPoolWaiting), the same answer shape as Bulwark's route, one verticle per event loop
 * sharing one client. Bench only: never part of the product. Run by bench/run pool:
 * java -cp target/bulwark.jar:bench/work/classes RedisPoolBaseline PORT INSTANCES REDIS_URL MAX_SIZE MAX_WAITING
 */
public final class RedisPoolBaseline extends VerticleBase {

  private final int port;
  private final Redis redis;

  private RedisPoolBaseline(int port, Redis redis) {
    this.port = port;
    this.redis = redis;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(args[2])
        .setMaxPoolSize(Integer.parseInt(args[3])).setMaxPoolWaiting(Integer.parseInt(args[4])));
    vertx.deployVerticle(() -> new RedisPoolBaseline(port, redis), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("redis pool baseline listening on " + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.post("/db/counters/:name/incr").handler(ctx -> {
      String name = ctx.pathParam("name");
      redis.send(Request.cmd(Command.INCR).arg("bench:counter:" + name))
          .onSuccess(r -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(new JsonObject().put("name", name).put("value", r.toLong()).encode()))
          .onFailure(e -> ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
              .end(new JsonObject().put("error", "backend_unavailable").put("message", e.getMessage()).encode()));
    });
    return vertx.createHttpServer().requestHandler(router).listen(port);
  }
}
