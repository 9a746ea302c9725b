package dev.bulwark.server;

import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.spi.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives an HTTP/2 request what the HTTP/1.x pipeline gives every request before a route sees it: a request target no
 * longer than {@code http.maxInitialLineLength} (414 otherwise, as the HTTP/1.x decoder answers) and
 * {@code X-Content-Type-Options: nosniff} on the response, errors and refusals of later guards included. HTTP/1.x
 * requests pass with one comparison: {@link NoSniffEncoder} and the decoder do this for them, unless that encoder is
 * out of reach, when the header is added here for them too. First of the guards.
 */
final class Http2Parity implements RequestScopeHandler.Guard {

  // Lower case, as HTTP/2 sends names: Vert.x lower-cases an HTTP/2 header name it is given, copying it when it must.
  static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("x-content-type-options");
  static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final ApiError URI_TOO_LONG = new ApiError(414, "uri_too_long", "The request line is too long.");

  private final boolean nosniffPerRequest = !NoSniffEncoder.available();
  private final int maxTargetLength;
  private final RejectedRequests rejected;

  Http2Parity(int maxInitialLineLength, RejectedRequests rejected) {
    this.maxTargetLength = maxInitialLineLength;
    this.rejected = rejected;
  }

  @Override
  public boolean enter(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    boolean http2 = request.version() == HttpVersion.HTTP_2;
    if (http2 || nosniffPerRequest) {
      ctx.response().headers().add(NOSNIFF_NAME, NOSNIFF);
    }
    if (http2 && request.uri().length() > maxTargetLength) {
      rejected.record(RejectedRequests.Reason.URI_TOO_LONG);
      ctx.fail(URI_TOO_LONG);
      return false;
    }
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    // nothing to undo
  }
}
