package dev.bulwark.spi;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a whole request body into memory within two bounds: the route's limit (413, {@code request_too_large} unless
 * another error is given), never above the limit of its path (a streamed prefix's own limit under one, else
 * {@code http.maxBodySize}, past which it is 413 {@code request_too_large}, as for a declared Content-Length), and the
 * in-flight body budget, whose bytes are reserved as they arrive (503
 * {@code overloaded} with {@code bytesWanted}, {@code bytesLimit} and the budget's name) and released as soon as the
 * body has been read or the request ends. Over either bound reading stops at once. For small bodies: large ones are
 * streamed, never held.
 */
public interface Bodies {

  /** The body, within {@code http.maxBodySize}. */
  Future<Buffer> read(RoutingContext ctx);

  /** The body, within {@code maxBytes} and the limit of its path, whichever is smaller. */
  Future<Buffer> read(RoutingContext ctx, long maxBytes);

  /**
   * The body, within {@code maxBytes} (past it the request fails with {@code tooLarge}) and the limit of its path,
   * whichever is smaller.
   */
  Future<Buffer> read(RoutingContext ctx, long maxBytes, ApiError tooLarge);
}
