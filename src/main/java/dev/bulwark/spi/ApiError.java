package dev.bulwark.spi;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * An error meant for the client: its status, a stable snake_case code and one human sentence. Fail a routing
 * context with it ({@code ctx.fail(new ApiError(...))}) and the failure handler renders
 * {@code {"error": code, "message": message}}; a 503 also gets {@code Retry-After}. Cheap to make: no stack trace.
 */
public final class ApiError extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final JsonObject details;
  /** The answer's JSON, encoded once: an error made once and thrown often (a full pool) is not encoded each time. */
  private volatile String body;

  public ApiError(int status, String code, String message) {
    this(status, code, message, null);
  }

  /** An error whose answer carries {@code details} beside {@code error} and {@code message}. */
  public ApiError(int status, String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.details = details;
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("an ApiError has a 4xx or 5xx status, not " + status);
    }
    this.status = status;
    this.code = code;
  }

  /** {@code {"error", "message", ...details}}, encoded; the details must not change once the error is made. */
  public String body() {
    String encoded = body;
    if (encoded == null) {
      JsonObject json = new JsonObject().put("error", code).put("message", getMessage());
      if (details != null) {
        json.mergeIn(details);
      }
      encoded = json.encode();
      body = encoded;
    }
    return encoded;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  /** Extra fields of the answer (such as {@code bytesWanted}), or null. */
  public JsonObject details() {
    return details;
  }

  /**
   * Fails {@code ctx} with {@code failure} from an asynchronous step: an {@link ApiError} as it is, anything else as
   * an unexpected failure; nothing when the response is already under way or the client has gone.
   */
  public static void fail(RoutingContext ctx, Throwable failure) {
    if (failure instanceof ApiError error) {
      error.failOn(ctx);
    } else if (!ctx.response().ended() && !ctx.response().closed()) {
      ctx.fail(failure);
    }
  }

  /** Fails {@code ctx} with this error, unless the response is already under way (then nothing can be said). */
  public void failOn(RoutingContext ctx) {
    if (!ctx.response().headWritten() && !ctx.response().closed()) {
      ctx.fail(this);
    }
  }
}
