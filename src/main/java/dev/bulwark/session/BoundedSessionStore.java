package dev.bulwark.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.bulwark.memory.MemorySignals;
import dev.bulwark.memory.PressureLevel;
import dev.bulwark.memory.PressureListener;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.LongAdder;

/**
 * The single-machine session store: at most {@code sessions.maxBytes} bytes (sessions weighed by their keys and
 * values) and at most {@code sessions.maxSessions} sessions, each expiring after {@code sessions.timeout} unused, so a
 * flood of new clients, or of clients filling their sessions, cannot grow the heap. Past either bound Caffeine evicts
 * the least valuable sessions first: a flood's one-request sessions go before the sessions of returning users. While
 * memory pressure is above NORMAL it shrinks to {@code cache.elevatedFraction} of its bytes, as the caches do.
 *
 * <p>Every change runs in {@code asMap().compute} for the session's id: the limits are checked and the write made
 * under one lock, and Caffeine re-weighs the session as the compute returns.
 */
public final class BoundedSessionStore extends SessionStore implements PressureListener {

  private final double elevatedFraction;
  private final Cache<String, LocalSession> sessions;
  private final LongAdder evictedForSize = new LongAdder();
  private final LongAdder expired = new LongAdder();

  public BoundedSessionStore(SessionOptions options, double elevatedFraction, Executor executor) {
    super(options);
    this.elevatedFraction = elevatedFraction;
    // Every session weighs at least maxBytes / maxSessions, so the byte bound also bounds the count.
    long floor = Math.max(1, options.maxBytes() / options.maxSessions());
    this.sessions = Caffeine.newBuilder()
        .executor(executor)
        .maximumWeight(options.maxBytes())
        .<String, LocalSession>weigher((id, session) -> (int) Math.min(Integer.MAX_VALUE,
            Math.max(floor, session.weight())))
        .expireAfterAccess(options.timeout())
        .evictionListener((String id, LocalSession session, RemovalCause cause) ->
            (cause == RemovalCause.EXPIRED ? expired : evictedForSize).increment())
        .recordStats()
        .build();
  }

  @Override
  Future<Integer> visit(String id, boolean create) {
    int[] visits = new int[1];
    sessions.asMap().compute(id, (key, session) -> {
      if (session == null && !create) {
        return null;
      }
      LocalSession counted = session == null ? new LocalSession(id) : session;
      visits[0] = counted.visit();
      return counted;
    });
    return Future.succeededFuture(visits[0] == 0 ? null : visits[0]);
  }

  @Override
  Future<Boolean> put(String id, String key, Buffer value, boolean create) {
    if (value.length() > options.maxValueSize()) {
      return Future.failedFuture(valueTooLarge);
    }
    byte[] bytes = value.getBytes();
    boolean[] refused = new boolean[1];
    LocalSession stored = sessions.asMap().compute(id, (ignored, session) -> {
      if (session == null && !create) {
        return null;
      }
      LocalSession target = session == null ? new LocalSession(id) : session;
      if (!target.hasRoomFor(key, options.maxKeys())) {
        refused[0] = true;
        return session;
      }
      target.put(key, bytes);
      return target;
    });
    return refused[0] ? Future.failedFuture(tooManyKeys) : Future.succeededFuture(stored != null);
  }

  @Override
  Future<Buffer> get(String id, String key) {
    LocalSession session = sessions.getIfPresent(id);
    byte[] value = session == null ? null : session.get(key);
    return Future.succeededFuture(value == null ? null : Buffer.buffer(value));
  }

  @Override
  Future<Void> delete(String id, String key) {
    sessions.asMap().computeIfPresent(id, (ignored, session) -> {
      session.remove(key);
      return session;
    });
    return Future.succeededFuture();
  }

  /**
   * Bytes held now, as weighed. Caffeine applies concurrent writes' new weights in its maintenance, so a reading taken
   * just after writes on other threads could miss some; pending maintenance runs first (a bounded amount of work).
   */
  public long weightBytes() {
    sessions.cleanUp();
    return heldBytes();
  }

  /**
   * Bytes held as last weighed, without running maintenance: what the memory budget reads, on every body reserved on
   * every event loop, where taking the cache's eviction lock would put work on the hot path. It may lag by the
   * writes made since the last maintenance, as {@code BoundedCache.weightBytes} does.
   */
  public long heldBytes() {
    return sessions.policy().eviction().map(e -> e.weightedSize().orElse(0)).orElse(0L);
  }

  @Override
  public void onPressure(PressureLevel level, MemorySignals signals) {
    double fraction = level == PressureLevel.NORMAL ? 1 : elevatedFraction;
    sessions.policy().eviction().ifPresent(e -> e.setMaximum((long) (options.maxBytes() * fraction)));
  }

  @Override
  JsonObject toJson() {
    return new JsonObject().put("store", "local").put("size", sessions.estimatedSize())
        .put("maxSessions", options.maxSessions()).put("bytes", weightBytes()).put("maxBytes", options.maxBytes())
        .put("evictions", sessions.stats().evictionCount());
  }

  /**
   * Sessions held (estimated: expired ones count until Caffeine sweeps them) and evictions by reason: {@code size}
   * (over a bound, or shrunk under pressure) or {@code expired} ({@code sessions.timeout} unused).
   */
  @Override
  void bindTo(MeterRegistry registry) {
    // After pending maintenance, like weightBytes(): evictions a burst of new sessions caused are applied first.
    Gauge.builder("bulwark.sessions", sessions, cache -> {
      cache.cleanUp();
      return cache.estimatedSize();
    }).tag("store", "local")
        .description("Sessions held by the local store (estimated)").register(registry);
    FunctionCounter.builder("bulwark.session.evictions", evictedForSize, LongAdder::sum).tag("reason", "size")
        .description("Sessions evicted from the local store, by reason").register(registry);
    FunctionCounter.builder("bulwark.session.evictions", expired, LongAdder::sum).tag("reason", "expired")
        .description("Sessions evicted from the local store, by reason").register(registry);
  }
}
