package dev.bulwark.server;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class ErrorHandlerImpl implements ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);
  private static final String JSON = "application/json";

  private final String retryAfterSeconds;
  private final RejectedRequests rejected;
  private final long lingerMillis;

  ErrorHandlerImpl(Duration retryAfter) {
    this(retryAfter, new RejectedRequests(System::nanoTime), HttpOptions.DEFAULT_CLOSE_LINGER);
  }

  /** Counts the requests it answers as malformed in {@code rejected}. */
  ErrorHandlerImpl(Duration retryAfter, RejectedRequests rejected, Duration closeLinger) {
    this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
    this.rejected = rejected;
    this.lingerMillis = closeLinger.toMillis();
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    int status;
    String code;
    String message;
    JsonObject details = null;
    if (clientLeft(failure)) {
      LOG.debug("Client went away during {} {}: {}", ctx.request().method(), ctx.request().path(), failure.toString());
      return; // nobody is left to answer
    }
    if (!(failure instanceof ApiError) && statusOf(ctx, failure) >= 500) {
      ApiError malformed = MalformedRequest.of(ctx.request());
      if (malformed != null) {
        failure = malformed;
      }
    }
    if (failure instanceof ApiError e) {
      countIfMalformed(e);
      status = e.status();
      code = e.code();
      message = e.getMessage();
      details = e.details();
    } else if (failure == null || failure instanceof HttpException) {
      status = statusOf(ctx, failure);
      code = StatusCodes.code(status);
      message = StatusCodes.message(status);
    } else {
      status = 500;
      code = "internal_error";
      message = "The server failed to handle this request; the failure is logged.";
      LOG.error("Unexpected failure on {} {} (route {})", ctx.request().method(), ctx.request().path(),
          routeOf(ctx), failure);
    }
    send(ctx, status, failure instanceof ApiError e ? e.body() : encode(code, message, details));
  }

  /** Counts a malformed request, found here or by a route (a file name that is not UTF-8 is a {@code bad_path} too). */
  private void countIfMalformed(ApiError e) {
    if (e.code().equals(MalformedRequest.BAD_PATH.code())) {
      rejected.record(RejectedRequests.Reason.BAD_PATH);
    } else if (e.code().equals(MalformedRequest.BAD_HOST.code())) {
      rejected.record(RejectedRequests.Reason.BAD_HOST);
    }
  }

  /**
   * The client closed the connection, or reset its HTTP/2 stream (a browser cancels one as the user navigates away):
   * the client's choice, not a failure of the server, so it is never logged as one.
   */
  private static boolean clientLeft(Throwable failure) {
    return failure instanceof HttpClosedException || failure instanceof StreamResetException;
  }

  /** The status a failure that is not an {@link ApiError} would be answered with. */
  private static int statusOf(RoutingContext ctx, Throwable failure) {
    if (failure == null || failure instanceof HttpException) {
      int status = failure == null ? ctx.statusCode() : ((HttpException) failure).getStatusCode();
      return status < 400 || status > 599 ? 500 : status;
    }
    return 500;
  }

  private void send(RoutingContext ctx, int status, String body) {
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      return;
    }
    if (response.headWritten()) {
      // Part of another answer is on the wire: a clean error can no longer be said, so cut it short.
      response.reset();
      return;
    }
    boolean close = bodyLeftUnread(ctx);
    if (close) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    Future<Void> written = write(response, status, body, retryAfterSeconds);
    if (close) {
      // The rest of the body would be parsed as the next request: close once the answer is out.
      written.onComplete(ar -> LingeringClose.close(ctx.request().connection(), ar.failed() ? 0 : lingerMillis));
    } else if (ctx.request().version() == HttpVersion.HTTP_2 && !ctx.request().isEnded()) {
      // The stream's unread body would hold the connection's flow-control window, and every other stream with it:
      // once the answer is out, ask the client to stop sending (RST_STREAM NO_ERROR, RFC 9113 8.1).
      written.onComplete(ar -> response.reset(0));
    }
  }

  /**
   * The one place that decides whether a refused request's connection closes: HTTP/1.x with a request body that was
   * not read to its end. HTTP/2 streams are independent (and forbid a Connection header): never there.
   */
  private static boolean bodyLeftUnread(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.version() == HttpVersion.HTTP_2 || request.isEnded()) {
      return false;
    }
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.equals("0"));
  }

  /** Writes the one error shape every Bulwark error has; {@code retryAfterSeconds} is used by 503s only. */
  static Future<Void> write(HttpServerResponse response, int status, String code, String message,
      String retryAfterSeconds, JsonObject details) {
    return write(response, status, encode(code, message, details), retryAfterSeconds);
  }

  private static Future<Void> write(HttpServerResponse response, int status, String body, String retryAfterSeconds) {
    response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON);
    if (status == 503) {
      response.putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
    }
    return response.end(body);
  }

  private static String encode(String code, String message, JsonObject details) {
    JsonObject body = new JsonObject().put("error", code).put("message", message);
    if (details != null) {
      body.mergeIn(details);
    }
    return body.encode();
  }

  private static String routeOf(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    if (route == null || (route.getPath() == null && !route.isRegexPath())) {
      return "none";
    }
    return route.getPath() != null ? route.getPath() : route.getName();
  }
}
