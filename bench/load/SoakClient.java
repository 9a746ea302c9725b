import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scope-soak load: TOTAL requests over /demo/timer?ms=20, /demo/event?ms=20 and /demo/slow?ms=50 in turn, CONCURRENCY
 * at a time, with every fourth slow request reset by the client 10 ms after it is sent. Prints one JSON line of counts.
 * Bench only, loopback only: java -cp target/bulwark.jar:bench/work/classes SoakClient PORT TOTAL CONCURRENCY
 */
public final class SoakClient {

  private static final String[] ROUTES = {"/demo/timer?ms=20", "/demo/event?ms=20", "/demo/slow?ms=50"};
  private static final int ABORT_EVERY_SLOW = 4;
  private static final long ABORT_AFTER_MS = 10;

  private final Vertx vertx;
  private final HttpClient client;
  private final int port;
  private final long total;
  private final AtomicLong issued = new AtomicLong();
  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong aborted = new AtomicLong();
  private final AtomicLong otherStatus = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  private SoakClient(Vertx vertx, int port, long total, int concurrency) {
    this.vertx = vertx;
    this.port = port;
    this.total = total;
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(port))
        .with(new PoolOptions().setHttp1MaxSize(concurrency).setMaxWaitQueueSize(concurrency))
        .build();
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    long total = Long.parseLong(args[1]);
    int concurrency = Integer.parseInt(args[2]);
    Vertx vertx = Vertx.vertx();
    SoakClient soak = new SoakClient(vertx, port, total, concurrency);
    long start = System.nanoTime();
    Future<?>[] workers = new Future<?>[concurrency];
    for (int i = 0; i < concurrency; i++) {
      workers[i] = soak.worker();
    }
    Future.all(java.util.List.of(workers)).onComplete(ar -> {
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println(new JsonObject().put("requests", soak.issued.get()).put("ok", soak.ok.get())
          .put("aborted", soak.aborted.get()).put("otherStatus", soak.otherStatus.get())
          .put("failed", soak.failed.get()).put("seconds", Math.round(seconds * 10) / 10.0)
          .put("reqPerSec", Math.round(soak.issued.get() / seconds)).encode());
      vertx.close();
    });
  }

  /** One connection's worth of load: a request at a time until the total is reached. */
  private Future<Void> worker() {
    Promise<Void> done = Promise.promise();
    next(done);
    return done.future();
  }

  private void next(Promise<Void> done) {
    long n = issued.getAndIncrement();
    if (n >= total) {
      issued.decrementAndGet();
      done.complete();
      return;
    }
    int route = (int) (n % ROUTES.length);
    boolean abort = route == 2 && (n / ROUTES.length) % ABORT_EVERY_SLOW == 0;
    client.request(new RequestOptions().setURI(ROUTES[route]))
        .compose(req -> {
          if (abort) {
            vertx.setTimer(ABORT_AFTER_MS, t -> req.reset());
          }
          return req.send().compose(resp -> resp.body().map(b -> resp.statusCode()));
        })
        .onComplete(ar -> {
          if (ar.succeeded()) {
            (ar.result() == 200 ? ok : otherStatus).incrementAndGet();
          } else {
            (abort ? aborted : failed).incrementAndGet();
          }
          next(done);
        });
  }
}
