package dev.bulwark.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * Renders every failure as {@code {"error": code, "message": sentence}} with the right status: {@link
 * dev.bulwark.spi.ApiError}s as given, vertx-web's status failures by their status, anything else as 500
 * {@code internal_error}, logged once with its route. No answer ever carries a stack trace; a 503 carries
 * {@code Retry-After}. A response already under way is reset rather than patched.
 */
public interface ErrorHandler extends Handler<RoutingContext> {

  Duration DEFAULT_RETRY_AFTER = HttpOptions.DEFAULT_RETRY_AFTER;

  static ErrorHandler create() {
    return new ErrorHandlerImpl(DEFAULT_RETRY_AFTER);
  }

  static ErrorHandler create(Duration retryAfter) {
    return new ErrorHandlerImpl(retryAfter);
  }
}
