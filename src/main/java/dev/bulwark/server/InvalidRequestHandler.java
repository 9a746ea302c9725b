package dev.bulwark.server;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/**
 * Answers requests the HTTP decoder rejected (a request line or headers over their limits, malformed syntax) in the
 * same JSON shape as every other error, instead of Vert.x's empty default, then closes the connection.
 */
final class InvalidRequestHandler implements Handler<HttpServerRequest> {

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    if (cause instanceof TooLongFrameException) {
      String what = cause.getClass().getSimpleName();
      status = what.contains("Line") ? 414 : what.contains("Header") ? 431 : 400;
    }
    // The decoder has lost the request's framing: the connection cannot carry another one.
    request.response().putHeader(io.vertx.core.http.HttpHeaders.CONNECTION, io.vertx.core.http.HttpHeaders.CLOSE);
    ErrorHandlerImpl.write(request.response(), status, StatusCodes.code(status), StatusCodes.message(status), null, null);
    request.response().endHandler(v -> request.connection().close());
  }
}
