package dev.bulwark.stream;

import dev.bulwark.ApiError;
import dev.bulwark.memory.BodyBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a whole request body into memory within two bounds: the route's {@code maxBytes} (413
 * {@code request_too_large}) and, for bodies without a declared length, the in-flight body budget, reserved chunk by
 * chunk as they arrive (503 {@code overloaded}); declared bodies were reserved up front by {@link BodyLimitHandler}.
 * Over either bound, reading stops at once, the request fails, and every reserved byte is released when it ends.
 * For small bodies only: large ones are streamed, never held.
 */
public final class BodyReader {

  private BodyReader() {
  }

  public static Future<Buffer> read(RoutingContext ctx, long maxBytes, BodyBudget budget, Runnable onBudgetRefused) {
    return read(ctx, maxBytes, tooLarge(maxBytes), budget, onBudgetRefused);
  }

  /** As {@link #read(RoutingContext, long, BodyBudget, Runnable)}, failing with {@code tooLarge} past {@code maxBytes}. */
  public static Future<Buffer> read(RoutingContext ctx, long maxBytes, ApiError tooLarge, BodyBudget budget,
      Runnable onBudgetRefused) {
    HttpServerRequest request = ctx.request();
    boolean reservedUpFront = ctx.get(BodyLimitHandler.RESERVED_KEY) != null;
    Promise<Buffer> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    long[] reserved = {0};
    ctx.addEndHandler(ar -> budget.release(reserved[0]));
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        stop(ctx, promise, tooLarge);
        return;
      }
      if (!reservedUpFront) {
        if (!budget.tryReserve(chunk.length())) {
          onBudgetRefused.run();
          stop(ctx, promise, overBudget(body.length() + chunk.length(), budget));
          return;
        }
        reserved[0] += chunk.length();
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  private static void stop(RoutingContext ctx, Promise<Buffer> promise, ApiError error) {
    ctx.request().pause();
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    promise.tryFail(error);
  }

  static ApiError tooLarge(long maxBytes) {
    return new ApiError(413, "request_too_large", "The request body is larger than the limit of " + maxBytes
        + " bytes.", new JsonObject().put("bytesLimit", maxBytes));
  }

  static ApiError overBudget(long wanted, BodyBudget budget) {
    return new ApiError(503, "overloaded", "Request bodies in progress fill the in-flight budget "
        + "(memory.inflightBodyBytes); retry later.", new JsonObject().put("bytesWanted", wanted)
        .put("bytesLimit", budget.limit()).put("bytesInUse", budget.inUse()));
  }
}
