package dev.bulwark.session;

import dev.bulwark.spi.Bodies;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Redis;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Bulwark's sessions, for the routes that carry one: a cookie naming a session in a store, the bounded local one or
 * Redis. Every write is checked and made in one atomic step of the store, after the whole value has arrived, so every
 * success means the value is stored and a refusal (413) means nothing changed. A new session is stored before its
 * cookie is set: when the store cannot keep it (Redis down), the client gets the 503 and no cookie.
 */
public final class Sessions {

  private final SessionStore store;
  private final SessionCookie cookie;
  private final LongAdder valueTooLarge = new LongAdder();
  private final LongAdder tooManyKeys = new LongAdder();
  /** One handler for every write: counting a refusal allocates nothing. */
  private final Handler<Throwable> countRefusal = this::countRefusal;

  private Sessions(SessionStore store) {
    this.store = store;
    this.cookie = new SessionCookie(store.options);
  }

  /** Sessions in the local store (which the server also registers with the memory budget and pressure). */
  public static Sessions local(BoundedSessionStore store) {
    return new Sessions(store);
  }

  /** Sessions in Redis under {@code <keyPrefix>session:}, shared by every instance using that Redis. */
  public static Sessions redis(Redis redis, String keyPrefix, SessionOptions options) {
    return new Sessions(new RedisSessionStore(redis, keyPrefix, options));
  }

  /** Counts a visit to the request's session, making one (and setting its cookie) when it has none: the count. */
  public Future<Integer> visit(RoutingContext ctx) {
    String id = cookie.idOf(ctx.request());
    Future<Integer> known = id == null ? Future.succeededFuture() : store.visit(id, false);
    return known.compose(visits -> visits != null ? Future.succeededFuture(visits)
        : inNewSession(ctx, fresh -> store.visit(fresh, true)));
  }

  /**
   * Reads the body (at most {@code sessions.maxValueSize}: 413 {@code value_too_large}, while it arrives), then stores
   * it under {@code key} in the request's session, or in a new one when it has none. 413 {@code too_many_keys} when
   * the session is full; then nothing changed.
   */
  public Future<Void> put(RoutingContext ctx, String key, Bodies bodies) {
    return bodies.read(ctx, store.options.maxValueSize(), store.valueTooLarge).compose(value -> {
      String id = cookie.idOf(ctx.request());
      Future<Boolean> stored = id == null ? Future.succeededFuture(false) : store.put(id, key, value, false);
      return stored.compose(done -> done ? Future.succeededFuture(true)
          : inNewSession(ctx, fresh -> store.put(fresh, key, value, true)));
    }).<Void>mapEmpty().onFailure(countRefusal);
  }

  /** The value under {@code key} in the request's session, or null (also when it has no session: none is made). */
  public Future<Buffer> get(RoutingContext ctx, String key) {
    String id = cookie.idOf(ctx.request());
    return id == null ? Future.succeededFuture() : store.get(id, key);
  }

  /** Removes {@code key} from the request's session, if it has one and the key is there. */
  public Future<Void> delete(RoutingContext ctx, String key) {
    String id = cookie.idOf(ctx.request());
    return id == null ? Future.succeededFuture() : store.delete(id, key);
  }

  /** The {@code sessions} section of {@code /admin/status}. */
  public JsonObject toJson() {
    return store.toJson().put("refusals", new JsonObject().put(store.valueTooLarge.code(), valueTooLarge.sum())
        .put(store.tooManyKeys.code(), tooManyKeys.sum()));
  }

  /**
   * Registers the session meters: writes refused by reason ({@code bulwark.session.refusals}), whichever the store,
   * and the local store's own (sessions held, evictions by reason).
   */
  public void bindTo(MeterRegistry registry) {
    refusals(registry, store.valueTooLarge.code(), valueTooLarge);
    refusals(registry, store.tooManyKeys.code(), tooManyKeys);
    store.bindTo(registry);
  }

  private static void refusals(MeterRegistry registry, String reason, LongAdder count) {
    FunctionCounter.builder("bulwark.session.refusals", count, LongAdder::sum).tag("reason", reason)
        .description("Session writes refused with 413 (nothing was changed), by reason").register(registry);
  }

  /** The store's refusals are the same two errors every time: told apart by identity, never by their text. */
  private void countRefusal(Throwable failure) {
    if (failure == store.valueTooLarge) {
      valueTooLarge.increment();
    } else if (failure == store.tooManyKeys) {
      tooManyKeys.increment();
    }
  }

  /** Runs {@code write} on a fresh id, which the cookie announces only once the store has kept it. */
  private <T> Future<T> inNewSession(RoutingContext ctx, Function<String, Future<T>> write) {
    String fresh = cookie.newId();
    return write.apply(fresh).map(result -> {
      cookie.announce(ctx.response(), fresh);
      return result;
    });
  }
}
