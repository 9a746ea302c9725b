package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.PathPrefixes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

final class BodyLimitHandlerImpl implements BodyLimitHandler {

  private static final ApiError BAD_LENGTH =
      new ApiError(400, "bad_request", "The Content-Length header is not a valid length.");

  private final long maxBodySize;
  private final ApiError tooLarge;
  private final PathPrefixes streamed;

  BodyLimitHandlerImpl(long maxBodySize, PathPrefixes streamed) {
    if (maxBodySize < 0) {
      throw new IllegalArgumentException("maxBodySize must not be negative, not " + maxBodySize);
    }
    this.maxBodySize = maxBodySize;
    this.tooLarge = BodyReader.tooLarge(maxBodySize);
    this.streamed = streamed;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (enter(ctx)) {
      ctx.next();
    }
  }

  @Override
  public boolean enter(RoutingContext ctx) {
    String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared == null) {
      return true;
    }
    long length = parseLength(declared);
    if (length < 0) {
      ctx.fail(BAD_LENGTH);
      return false;
    }
    long limit = streamed.valueOf(ctx.normalizedPath(), maxBodySize);
    if (length > limit) {
      ctx.fail(limit == maxBodySize ? tooLarge : BodyReader.tooLarge(limit));
      return false;
    }
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    // nothing is held per request: bodies are reserved by the routes that read them
  }

  /** The request's declared Content-Length, or -1 when it has none or it is not a plain decimal number. */
  static long declaredLength(HttpServerRequest request) {
    String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return header == null ? -1 : parseLength(header);
  }

  /** The length, or -1 when the header is not a plain non-negative decimal number. */
  static long parseLength(String text) {
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
