package dev.bulwark.stream;

import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.spi.PathPrefixes;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks a request's declared {@code Content-Length} before a byte of its body is read: over the route's limit it is
 * 413 {@code request_too_large} (a malformed length is 400). Requests under a streamed prefix (uploads to disk) are held
 * to that prefix's own limit instead. It reserves nothing and buffers nothing: body bytes are taken from the memory
 * budget only when a route reads them ({@link BodyReader}), never on a header's promise.
 */
public interface BodyLimitHandler extends Handler<RoutingContext>, RequestScopeHandler.Guard {

  long DEFAULT_MAX_BODY_SIZE = 1L << 20;

  static BodyLimitHandler create(long maxBodySize) {
    return new BodyLimitHandlerImpl(maxBodySize, PathPrefixes.none());
  }

  /** As {@link #create(long)}, with {@code streamed} prefixes whose values are their own byte limits. */
  static BodyLimitHandler create(long maxBodySize, PathPrefixes streamed) {
    return new BodyLimitHandlerImpl(maxBodySize, streamed);
  }
}
