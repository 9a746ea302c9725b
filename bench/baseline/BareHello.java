import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark baseline: a bare vertx-web Router answering GET /hello exactly as Bulwark's route does, with the same
 * HttpServerOptions as Bulwark's defaults, one verticle per event loop, no metrics and no guards. Bench only: never
 * part of the product. Run by bench/run: java -cp target/bulwark.jar:bench/work/classes BareHello PORT INSTANCES
 * [h2c | tls CERT_PEM KEY_PEM], the last two as Bulwark's {@code http.h2c} and {@code http.tls} set them up.
 */
public final class BareHello extends VerticleBase {

  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
  private static final Buffer HELLO = Buffer.buffer("hello");

  private final int port;
  private final String[] mode;

  private BareHello(int port, String[] mode) {
    this.port = port;
    this.mode = mode;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    String[] mode = java.util.Arrays.copyOfRange(args, 2, args.length);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(instances));
    vertx.deployVerticle(() -> new BareHello(port, mode), new DeploymentOptions().setInstances(instances))
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
    // Bulwark's defaults: host, max header size 8KiB, initial line 4KiB, idle timeout 60 s, h2c off unless asked for.
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
        .setMaxHeaderSize(8192).setMaxInitialLineLength(4096).setIdleTimeout(60).setIdleTimeoutUnit(TimeUnit.SECONDS)
        .setHttp2ClearTextEnabled(mode.length > 0 && mode[0].equals("h2c"));
    if (mode.length == 3 && mode[0].equals("tls")) {
      options.setSsl(true).setUseAlpn(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(mode[1]).setKeyPath(mode[2]));
    }
    return vertx.createHttpServer(options).requestHandler(router).listen();
  }
}
