package dev.bulwark.stream;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request whose declared {@code Content-Length} exceeds the limit with 413 {@code request_too_large}, before
 * a byte of the body is read. Bodies without a declared length are bounded by the route that reads them, counting as
 * it streams; this guard never buffers anything.
 */
public interface BodyLimitHandler extends Handler<RoutingContext> {

  long DEFAULT_MAX_BODY_SIZE = 1L << 20;

  static BodyLimitHandler create(long maxBodySize) {
    return new BodyLimitHandlerImpl(maxBodySize);
  }
}
