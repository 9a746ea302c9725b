package dev.bulwark.stream;

import dev.bulwark.ApiError;
import dev.bulwark.memory.BodyBudget;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

final class BodyLimitHandlerImpl implements BodyLimitHandler {

  private final long maxBodySize;
  private final BodyBudget budget;
  private final Runnable onBudgetRefused;
  private final ApiError tooLarge;
  private final ApiError badLength;
  private final String streamedPrefix;
  private final long streamedMax;
  private final ApiError streamedTooLarge;

  BodyLimitHandlerImpl(long maxBodySize, BodyBudget budget, Runnable onBudgetRefused, String streamedPrefix,
      long streamedMax) {
    this.streamedPrefix = streamedPrefix;
    this.streamedMax = streamedMax;
    this.streamedTooLarge = BodyReader.tooLarge(streamedMax);
    if (maxBodySize < 0) {
      throw new IllegalArgumentException("maxBodySize must not be negative, not " + maxBodySize);
    }
    this.maxBodySize = maxBodySize;
    this.budget = budget;
    this.onBudgetRefused = onBudgetRefused;
    this.tooLarge = BodyReader.tooLarge(maxBodySize);
    this.badLength = new ApiError(400, "bad_request", "The Content-Length header is not a valid length.");
  }

  @Override
  public void handle(RoutingContext ctx) {
    String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared == null) {
      ctx.next();
      return;
    }
    long length = parseLength(declared);
    if (length >= 0 && streamedPrefix != null && ctx.normalizedPath().startsWith(streamedPrefix)) {
      if (length > streamedMax) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        ctx.fail(streamedTooLarge);
      } else {
        ctx.next(); // streamed to disk as it arrives: no in-memory budget to take
      }
      return;
    }
    if (length < 0) {
      ctx.fail(badLength);
    } else if (length > maxBodySize) {
      ctx.fail(tooLarge);
    } else if (length == 0) {
      ctx.next();
    } else if (!budget.tryReserve(length)) {
      onBudgetRefused.run();
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      ctx.fail(BodyReader.overBudget(length, budget));
    } else {
      ctx.put(RESERVED_KEY, length);
      ctx.addEndHandler(ar -> budget.release(length));
      ctx.next();
    }
  }

  /** The length, or -1 when the header is not a plain non-negative decimal number. */
  private static long parseLength(String text) {
    int n = text.length();
    if (n == 0 || n > 18) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
