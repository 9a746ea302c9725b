package dev.bulwark.stream;

import dev.bulwark.memory.BodyBudget;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Checks a request's declared {@code Content-Length} before a byte of its body is read: over the route limit it is 413
 * {@code request_too_large}; if it does not fit in the in-flight body budget it is 503 {@code overloaded} with
 * {@code bytesWanted} and {@code bytesLimit}. Admitted bytes stay reserved until the request ends. Bodies without a
 * declared length are counted against both as they are read, by {@link BodyReader}. This guard never buffers.
 */
public interface BodyLimitHandler extends Handler<RoutingContext> {

  long DEFAULT_MAX_BODY_SIZE = 1L << 20;

  /** Where the handler notes the bytes it reserved for the request's declared body. */
  String RESERVED_KEY = "bulwark.body.reserved";

  static BodyLimitHandler create(long maxBodySize, BodyBudget budget, Runnable onBudgetRefused) {
    return new BodyLimitHandlerImpl(maxBodySize, budget, onBudgetRefused, null, 0);
  }

  /**
   * As {@link #create(long, BodyBudget, Runnable)}, except that requests under {@code streamedPrefix} (uploads
   * streamed to disk) may declare up to {@code streamedMax} bytes and take nothing from the in-memory budget.
   */
  static BodyLimitHandler create(long maxBodySize, BodyBudget budget, Runnable onBudgetRefused, String streamedPrefix,
      long streamedMax) {
    return new BodyLimitHandlerImpl(maxBodySize, budget, onBudgetRefused, streamedPrefix, streamedMax);
  }
}
