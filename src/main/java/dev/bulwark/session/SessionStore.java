package dev.bulwark.session;

import dev.bulwark.spi.ApiError;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Where sessions live: each operation is atomic for its session, limits included, so concurrent requests of one
 * session (on any event loop, or any instance sharing the store) can never both pass a check that only one may pass.
 * A {@code create} flag makes the session in the same step when it does not exist: a session is stored before its id
 * is ever announced.
 */
abstract class SessionStore {

  final SessionOptions options;
  final ApiError valueTooLarge;
  final ApiError tooManyKeys;

  SessionStore(SessionOptions options) {
    this.options = options;
    this.valueTooLarge = new ApiError(413, "value_too_large", "A session value may be at most "
        + options.maxValueSize() + " bytes (sessions.maxValueSize).",
        new JsonObject().put("bytesLimit", options.maxValueSize()));
    this.tooManyKeys = new ApiError(413, "too_many_keys", "A session holds at most " + options.maxKeys()
        + " keys (sessions.maxKeys); delete one first.", new JsonObject().put("keysLimit", options.maxKeys()));
  }

  /** Counts a visit: the new count, or null when session {@code id} does not exist and {@code create} is false. */
  abstract Future<Integer> visit(String id, boolean create);

  /**
   * Stores {@code value} under {@code key}: true, or false when session {@code id} does not exist and {@code create}
   * is false. Fails with 413 {@code value_too_large} or {@code too_many_keys}, and then nothing changed.
   */
  abstract Future<Boolean> put(String id, String key, Buffer value, boolean create);

  /** The value under {@code key}, or null. */
  abstract Future<Buffer> get(String id, String key);

  abstract Future<Void> delete(String id, String key);

  /** The {@code sessions} section of {@code /admin/status}. */
  abstract JsonObject toJson();

  /** Registers meters of the store's own, if it has any. */
  void bindTo(MeterRegistry registry) {
  }
}
