package dev.bulwark.stream;

import dev.bulwark.memory.Budget;
import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.Bodies;
import dev.bulwark.spi.PathPrefixes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * Reads whole request bodies into memory within the route's limit and the in-flight body {@link Budget}. A declared
 * body is reserved whole when reading starts (refused at once if it cannot fit); an undeclared one chunk by chunk as
 * it arrives. The reservation is released as soon as the body has been read, or when the request ends if it never
 * is. The server makes one, and each router its own view of it ({@link #forRouter}) that knows the router's streamed
 * prefixes; it keeps no per-request state of its own.
 */
public final class BodyReader implements Bodies {

  private final long maxBodySize;
  private final ApiError tooLarge;
  private final Budget budget;
  private final Supplier<PathPrefixes> streamed;

  public BodyReader(long maxBodySize, Budget budget) {
    this(maxBodySize, budget, PathPrefixes::none);
  }

  private BodyReader(long maxBodySize, Budget budget, Supplier<PathPrefixes> streamed) {
    this.maxBodySize = maxBodySize;
    this.tooLarge = tooLarge(maxBodySize);
    this.budget = budget;
    this.streamed = streamed;
  }

  /**
   * This reader for the routes of one router, whose {@code streamed} prefixes are asked at each read: they are known
   * only once all its modules have mounted, after they were handed the reader.
   */
  public BodyReader forRouter(Supplier<PathPrefixes> streamed) {
    return new BodyReader(maxBodySize, budget, streamed);
  }

  @Override
  public Future<Buffer> read(RoutingContext ctx) {
    return read(ctx, maxBodySize, tooLarge);
  }

  @Override
  public Future<Buffer> read(RoutingContext ctx, long maxBytes) {
    return read(ctx, maxBytes, maxBytes == maxBodySize ? tooLarge : tooLarge(maxBytes));
  }

  /**
   * Each read is also held to the limit a declared Content-Length is checked against on its path
   * ({@link BodyLimitHandler}): a streamed prefix's own limit there, else {@code http.maxBodySize}; so a body gets the
   * same answer whether it declares its length or comes chunked, and over that limit the same 413.
   */
  @Override
  public Future<Buffer> read(RoutingContext ctx, long maxBytes, ApiError tooLargeError) {
    long pathLimit = streamed.get().valueOf(ctx.normalizedPath(), maxBodySize);
    if (pathLimit < maxBytes) {
      return read(ctx, pathLimit, pathLimit == maxBodySize ? tooLarge : tooLarge(pathLimit));
    }
    HttpServerRequest request = ctx.request();
    long declared = BodyLimitHandlerImpl.declaredLength(request);
    if (declared > maxBytes) {
      return Future.failedFuture(tooLargeError);
    }
    Reading reading = new Reading(ctx, maxBytes, tooLargeError, declared);
    if (declared > 0) {
      ApiError refused = budget.tryReserve(declared);
      if (refused != null) {
        return Future.failedFuture(refused);
      }
      reading.reserved = declared;
    }
    ctx.addEndHandler(ar -> reading.release());
    request.handler(reading::chunk);
    request.exceptionHandler(reading::fail);
    request.endHandler(v -> reading.done());
    return reading.promise.future();
  }

  /** One body being read: its buffer, its reservation and its outcome. */
  private final class Reading {
    final Promise<Buffer> promise = Promise.promise();
    final RoutingContext ctx;
    final long maxBytes;
    final ApiError tooLargeError;
    final boolean declared;
    final Buffer body = Buffer.buffer();
    long reserved;

    Reading(RoutingContext ctx, long maxBytes, ApiError tooLargeError, long declared) {
      this.ctx = ctx;
      this.maxBytes = maxBytes;
      this.tooLargeError = tooLargeError;
      this.declared = declared >= 0;
    }

    void chunk(Buffer chunk) {
      if (promise.future().isComplete()) {
        return;
      }
      if ((long) body.length() + chunk.length() > maxBytes) {
        stop(tooLargeError);
        return;
      }
      if (!declared) {
        ApiError refused = budget.tryReserve(chunk.length());
        if (refused != null) {
          stop(refused);
          return;
        }
        reserved += chunk.length();
      }
      body.appendBuffer(chunk);
    }

    void done() {
      release();
      promise.tryComplete(body);
    }

    void fail(Throwable failure) {
      release();
      promise.tryFail(failure);
    }

    private void stop(ApiError error) {
      ctx.request().pause();
      fail(error);
    }

    /** Gives the reserved bytes back, once: the body is read (or abandoned) and now belongs to the route. */
    void release() {
      if (reserved > 0) {
        budget.release(reserved);
        reserved = 0;
      }
    }
  }

  static ApiError tooLarge(long maxBytes) {
    return new ApiError(413, "request_too_large", "The request body is larger than the limit of " + maxBytes
        + " bytes.", new JsonObject().put("bytesLimit", maxBytes));
  }
}
