package dev.bulwark.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.AbstractSession;
import dev.bulwark.memory.MemorySignals;
import dev.bulwark.memory.PressureLevel;
import dev.bulwark.memory.PressureListener;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The single-machine session store: at most {@code sessions.maxBytes} bytes (sessions weighed by their keys and
 * values) and at most {@code sessions.maxSessions} sessions, each expiring after {@code sessions.timeout} unused, so a
 * flood of new clients, or of clients filling their sessions, cannot grow the heap. Past either bound Caffeine evicts
 * the least valuable sessions first: a flood's one-request sessions go before the sessions of returning users. While
 * memory pressure is above NORMAL it shrinks to {@code cache.elevatedFraction} of its bytes, as the caches do.
 */
public final class BoundedSessionStore extends SessionStoreBase implements PressureListener {

  /** Bytes a session costs besides its data: the session object, its id, its map and the cache entry. */
  static final int SESSION_OVERHEAD = 256;
  /** Bytes each data entry costs besides its key and value: the map node and the boxes. */
  static final int ENTRY_OVERHEAD = 64;

  private final SessionOptions options;
  private final double elevatedFraction;
  private final Cache<String, Session> sessions;

  public BoundedSessionStore(Vertx vertx, SessionOptions options, double elevatedFraction, Executor executor) {
    super(vertx);
    this.options = options;
    this.elevatedFraction = elevatedFraction;
    // Every session weighs at least maxBytes / maxSessions, so the byte bound also bounds the count.
    int floor = (int) Math.max(1, Math.min(Integer.MAX_VALUE, options.maxBytes() / options.maxSessions()));
    this.sessions = Caffeine.newBuilder()
        .executor(executor)
        .maximumWeight(options.maxBytes())
        .<String, Session>weigher((id, session) -> Math.max(floor, weigh(session)))
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

  /** The estimated bytes of a session: its overhead, plus each data entry's key and value. */
  static int weigh(Session session) {
    long bytes = SESSION_OVERHEAD + 2L * session.id().length();
    for (Map.Entry<String, Object> e : session.data().entrySet()) {
      bytes += ENTRY_OVERHEAD + 2L * e.getKey().length();
      Object v = e.getValue();
      if (v instanceof String str) {
        bytes += 2L * str.length();
      } else if (v instanceof byte[] b) {
        bytes += b.length;
      } else if (v instanceof io.vertx.core.buffer.Buffer b) {
        bytes += b.length();
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** Bytes held now, as weighed. */
  public long weightBytes() {
    return sessions.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  @Override
  public void onPressure(PressureLevel level, MemorySignals signals) {
    double fraction = level == PressureLevel.NORMAL ? 1 : elevatedFraction;
    sessions.policy().eviction().ifPresent(e -> e.setMaximum((long) (options.maxBytes() * fraction)));
  }

  /** Applies pending evictions now (tests and benchmarks read exact figures after it). */
  public void cleanUp() {
    sessions.cleanUp();
  }

  /** The {@code sessions} section of {@code /admin/status}. */
  public JsonObject toJson() {
    return new JsonObject().put("store", "local").put("size", sessions.estimatedSize())
        .put("maxSessions", options.maxSessions()).put("bytes", weightBytes()).put("maxBytes", options.maxBytes())
        .put("evictions", sessions.stats().evictionCount());
  }
}
