import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark baseline: a bare vertx-web Router answering GET /hello exactly as Bulwark's route does, with the same
 * HttpServerOptions as Bulwark's defaults, one verticle per event loop, no metrics and no guards. Bench only: never
 * part of the product. Run by bench/run: java -cp target/bulwark.jar:bench/work/classes BareHello PORT INSTANCES
 */
public final class BareHello extends VerticleBase {

  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
  private static final Buffer HELLO = Buffer.buffer("hello");

  private final int port;

  private BareHello(int port) {
    this.port = port;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
    vertx.deployVerticle(() -> new BareHello(port), new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare listening on " + port))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        });
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/hello").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(HELLO));
    // Bulwark's defaults: host, max header size 8KiB, initial line 4KiB, idle timeout 60 s.
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
        .setMaxHeaderSize(8192).setMaxInitialLineLength(4096).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS);
    return vertx.createHttpServer(options).requestHandler(router).listen();
  }
}
