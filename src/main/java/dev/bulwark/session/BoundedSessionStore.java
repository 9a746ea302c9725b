package dev.bulwark.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.bulwark.config.SessionOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.AbstractSession;
import java.util.concurrent.Executor;

/**
 * The single-machine session store: at most {@code sessions.maxSessions} sessions, each expiring after
 * {@code sessions.timeout} unused, so a flood of new clients cannot grow the heap. Past the bound Caffeine evicts the
 * least valuable sessions first: a flood's one-request sessions go before the sessions of returning users. Unlike
 * vertx-web's local store, nothing here is unbounded and no reaper timer is needed.
 */
public final class BoundedSessionStore extends SessionStoreBase {

  private final SessionOptions options;
  private final Cache<String, Session> sessions;

  public BoundedSessionStore(Vertx vertx, SessionOptions options, Executor executor) {
    super(vertx);
    this.options = options;
    this.sessions = Caffeine.newBuilder()
        .executor(executor)
        .maximumSize(options.maxSessions())
        .expireAfterAccess(options.timeout())
        .recordStats()
        .build();
  }

  @Override
  public Future<Session> get(String id) {
    return Future.succeededFuture(sessions.getIfPresent(id));
  }

  @Override
  public Future<Void> delete(String id) {
    sessions.invalidate(id);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> put(Session session) {
    AbstractSession fresh = (AbstractSession) session;
    Session stored = sessions.asMap().compute(session.id(), (id, old) -> {
      if (old != null && ((AbstractSession) old).version() != fresh.version()) {
        return old; // a concurrent request changed it first: keep that one
      }
      fresh.incrementVersion();
      return fresh;
    });
    return stored == fresh ? Future.succeededFuture() : Future.failedFuture("Session version mismatch");
  }

  @Override
  public Future<Void> clear() {
    sessions.invalidateAll();
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> size() {
    return Future.succeededFuture((int) sessions.estimatedSize());
  }

  @Override
  public void close() {
    sessions.invalidateAll();
  }

  /** Applies pending evictions now (tests and benchmarks read exact figures after it). */
  public void cleanUp() {
    sessions.cleanUp();
  }

  /** The {@code sessions} section of {@code /admin/status}. */
  public JsonObject toJson() {
    return new JsonObject().put("store", "local").put("size", sessions.estimatedSize())
        .put("maxSessions", options.maxSessions()).put("evictions", sessions.stats().evictionCount());
  }
}
