package dev.bulwark.cache;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis pub/sub channel {@code <redis.keyPrefix>cache-invalidations} that keeps shared caches coherent: every
 * write or delete of a shared entry publishes {@code <instance id>\n<cache>\n<key>} after Redis has it, and every
 * instance drops its local copy on receipt (skipping its own). Subscribed on a connection of its own; when that is
 * lost it reconnects with a bounded backoff and, once subscribed again, clears the local copies of every shared cache,
 * since messages may have been missed. While it is down, {@link #fresh(Duration)} says for how long local copies may
 * still be served. Logs one WARN per loss and one INFO per recovery, never ERROR.
 */
final class InvalidationChannel {

  private static final Logger LOG = LoggerFactory.getLogger(InvalidationChannel.class);
  private static final long FIRST_RETRY_MS = 50;
  private static final long MAX_RETRY_MS = 2_000;

  private final Vertx vertx;
  /** Where the subscription's state changes, one at a time. */
  private final Context context;
  private final Redis subscriber;
  private final String channel;
  /** What starts each message this instance publishes: its id and the separator. */
  private final String selfPrefix = UUID.randomUUID() + "\n";
  private final Map<String, BoundedCache> caches;
  private final LongAdder sent = new LongAdder();
  private final LongAdder received = new LongAdder();
  private volatile boolean up;
  private volatile long downSinceNanos = System.nanoTime();
  private volatile boolean closed;
  private boolean warned;
  private long retryMs = FIRST_RETRY_MS;
  private long timerId = -1;
  private RedisConnection connection;

  InvalidationChannel(Vertx vertx, Redis subscriber, String keyPrefix, Map<String, BoundedCache> caches) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.subscriber = subscriber;
    this.channel = keyPrefix + "cache-invalidations";
    this.caches = caches;
  }

  /** Subscribes now, and again whenever the subscription is lost, until {@link #close()}. */
  void start() {
    context.runOnContext(v -> subscribe());
  }

  private void subscribe() {
    timerId = -1;
    if (closed) {
      return;
    }
    AtomicBoolean ended = new AtomicBoolean();
    subscriber.connect().compose(c -> {
      c.handler(this::onPush);
      c.exceptionHandler(e -> LOG.debug("Invalidation channel connection failed: {}", e.toString()));
      c.endHandler(v -> {
        ended.set(true);
        context.runOnContext(x -> lost(c));
      });
      return c.send(Request.cmd(Command.SUBSCRIBE).arg(channel)).map(c)
          .onFailure(e -> c.close().otherwiseEmpty());
    }).onComplete(ar -> context.runOnContext(v -> {
      if (ar.succeeded() && ended.get()) {
        down("connection closed while subscribing"); // its end was ignored: it was not the connection yet
      } else if (ar.succeeded()) {
        subscribed(ar.result());
      } else {
        down("cannot subscribe: " + ar.cause().getMessage());
      }
    }));
  }

  private void subscribed(RedisConnection c) {
    if (closed) {
      c.close().otherwiseEmpty();
      return;
    }
    connection = c;
    // Anything may have changed while no message could arrive: every shared local copy goes, then the channel is up.
    caches.values().forEach(BoundedCache::clearLocal);
    up = true;
    retryMs = FIRST_RETRY_MS;
    if (warned) {
      LOG.info("Cache invalidation channel {} subscribed again; local copies of shared caches cleared", channel);
      warned = false;
    }
  }

  private void lost(RedisConnection c) {
    if (c != connection) {
      return;
    }
    connection = null;
    down("connection closed");
  }

  private void down(String why) {
    if (up) {
      downSinceNanos = System.nanoTime();
      up = false;
    }
    if (closed) {
      return;
    }
    if (!warned) {
      warned = true;
      LOG.warn("Cache invalidation channel {} is down ({}); local copies of shared caches are served at most "
          + "caches.<name>.staleFor, then read from Redis; resubscribing", channel, why);
    }
    if (timerId < 0) {
      timerId = vertx.setTimer(retryMs, id -> subscribe());
      retryMs = Math.min(MAX_RETRY_MS, retryMs * 2);
    }
  }

  private void onPush(Response push) {
    if (push.size() < 3 || !"message".equals(push.get(0).toString())) {
      return; // subscribe confirmations and the like
    }
    String payload = push.get(2).toString(StandardCharsets.UTF_8);
    int first = payload.indexOf('\n');
    int second = first < 0 ? -1 : payload.indexOf('\n', first + 1);
    if (second < 0 || payload.startsWith(selfPrefix)) {
      return; // malformed, or this instance's own write (it updated its local copy itself)
    }
    BoundedCache cache = caches.get(payload.substring(first + 1, second));
    if (cache != null) {
      received.increment();
      cache.dropLocal(payload.substring(second + 1));
    }
  }

  /** The PUBLISH that tells the other instances {@code key} of {@code cache} changed. */
  Request message(String cache, String key) {
    return Request.cmd(Command.PUBLISH).arg(channel).arg(selfPrefix + cache + "\n" + key);
  }

  void published() {
    sent.increment();
  }

  /** Whether a local copy may be served unverified: the channel is up, or has been down at most {@code staleFor}. */
  boolean fresh(Duration staleFor) {
    return up || System.nanoTime() - downSinceNanos <= staleFor.toNanos();
  }

  boolean up() {
    return up;
  }

  long sent() {
    return sent.sum();
  }

  long received() {
    return received.sum();
  }

  /** Stops resubscribing and closes the subscription (its client is closed by its owner); never fails. */
  Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      if (timerId >= 0) {
        vertx.cancelTimer(timerId);
      }
      RedisConnection c = connection;
      connection = null;
      up = false;
      (c == null ? Future.<Void>succeededFuture() : c.close().otherwiseEmpty()).onComplete(done);
    });
    return done.future();
  }
}
