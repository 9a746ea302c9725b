import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cache-flood load: TOTAL PUTs of unique keys with 1 KiB values into one cache, CONCURRENCY at a time, while the
 * cache's stats are read every 100 ms to find the largest weight it ever held. Prints one JSON line. Bench only,
 * loopback only: java -cp target/bulwark.jar:bench/work/classes CacheFloodClient PORT CACHE TOTAL CONCURRENCY
 */
public final class CacheFloodClient {

  private static final int VALUE_BYTES = 1024;
  private static final long SAMPLE_MS = 100;

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String cache = args[1];
    long total = Long.parseLong(args[2]);
    int concurrency = Integer.parseInt(args[3]);
    Vertx vertx = Vertx.vertx();
    HttpClient client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setDefaultHost("127.0.0.1").setDefaultPort(port))
        .with(new PoolOptions().setHttp1MaxSize(concurrency + 1).setMaxWaitQueueSize(concurrency + 1))
        .build();
    Buffer value = Buffer.buffer(new byte[VALUE_BYTES]);
    AtomicLong issued = new AtomicLong();
    AtomicLong ok = new AtomicLong();
    AtomicLong other = new AtomicLong();
    AtomicLong maxWeight = new AtomicLong();
    long sampler = vertx.setPeriodic(SAMPLE_MS, id -> client.request(new RequestOptions().setURI("/cache/" + cache))
        .compose(req -> req.send().compose(r -> r.body()))
        .onSuccess(b -> maxWeight.accumulateAndGet(new JsonObject(b).getLong("weightBytes"), Math::max)));
    long start = System.nanoTime();
    Future<?>[] workers = new Future<?>[concurrency];
    for (int i = 0; i < concurrency; i++) {
      Promise<Void> done = Promise.promise();
      workers[i] = done.future();
      next(client, cache, value, total, issued, ok, other, done);
    }
    Future.all(java.util.List.of(workers)).onComplete(ar -> {
      vertx.cancelTimer(sampler);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.println(new JsonObject().put("puts", issued.get()).put("ok", ok.get()).put("otherStatus", other.get())
          .put("seconds", Math.round(seconds * 10) / 10.0).put("putsPerSec", Math.round(issued.get() / seconds))
          .put("maxWeightSeen", maxWeight.get()).encode());
      vertx.close();
    });
  }

  private static void next(HttpClient client, String cache, Buffer value, long total, AtomicLong issued,
      AtomicLong ok, AtomicLong other, Promise<Void> done) {
    long n = issued.getAndIncrement();
    if (n >= total) {
      issued.decrementAndGet();
      done.complete();
      return;
    }
    client.request(new RequestOptions().setMethod(HttpMethod.PUT).setURI("/cache/" + cache + "/key-" + n))
        .compose(req -> req.send(value).compose(r -> r.body().map(b -> r.statusCode())))
        .onComplete(ar -> {
          (ar.succeeded() && ar.result() == 204 ? ok : other).incrementAndGet();
          next(client, cache, value, total, issued, ok, other, done);
        });
  }
}
