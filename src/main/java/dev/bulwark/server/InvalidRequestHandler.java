package dev.bulwark.server;

import io.netty.handler.codec.TooLongFrameException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;

/**
 * Answers requests the HTTP decoder rejected (a request line or headers over their limits, malformed syntax) in the
 * same JSON shape as every other error, instead of Vert.x's empty default, then closes the connection.
 */
final class InvalidRequestHandler implements Handler<HttpServerRequest> {

  private final RejectedRequests rejected;

  InvalidRequestHandler(RejectedRequests rejected) {
    this.rejected = rejected;
  }

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status = 400;
    if (cause instanceof TooLongFrameException) {
      String what = cause.getClass().getSimpleName();
      status = what.contains("Line") ? 414 : what.contains("Header") ? 431 : 400;
    }
    rejected.record(status == 414 ? RejectedRequests.Reason.URI_TOO_LONG
        : status == 431 ? RejectedRequests.Reason.HEADERS_TOO_LARGE : RejectedRequests.Reason.MALFORMED);
    HttpServerResponse response = request.response();
    if (response.closed()) {
      return; // the client left in the middle of a head (the decoder reports that too): no one to answer
    }
    // The decoder has lost the request's framing: the connection cannot carry another one.
    response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    response.endHandler(v -> request.connection().close());
    ErrorHandlerImpl.write(response, status, StatusCodes.code(status), StatusCodes.message(status), null, null);
  }
}
