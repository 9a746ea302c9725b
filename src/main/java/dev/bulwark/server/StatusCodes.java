package dev.bulwark.server;

/** The error code and sentence for a bare HTTP status, when a failure carries nothing more specific. */
final class StatusCodes {

  private StatusCodes() {
  }

  static String code(int status) {
    switch (status) {
      case 400: return "bad_request";
      case 401: return "unauthorized";
      case 403: return "forbidden";
      case 404: return "not_found";
      case 405: return "method_not_allowed";
      case 406: return "not_acceptable";
      case 408: return "request_timeout";
      case 409: return "conflict";
      case 411: return "length_required";
      case 413: return "request_too_large";
      case 414: return "uri_too_long";
      case 415: return "unsupported_media_type";
      case 416: return "range_not_satisfiable";
      case 429: return "too_many_requests";
      case 431: return "headers_too_large";
      case 500: return "internal_error";
      case 501: return "not_implemented";
      case 503: return "unavailable";
      case 507: return "insufficient_storage";
      default: return "http_" + status;
    }
  }

  static String message(int status) {
    switch (status) {
      case 400: return "The request is malformed.";
      case 401: return "This route needs a valid bearer token.";
      case 403: return "This request is not allowed.";
      case 404: return "Nothing is served at this path.";
      case 405: return "This method is not allowed on this path.";
      case 406: return "No representation matches the Accept header.";
      case 413: return "The request body is larger than this route accepts.";
      case 414: return "The request line is too long.";
      case 415: return "This route does not accept that Content-Type.";
      case 431: return "The request headers are too large.";
      case 503: return "The server cannot take this request now; retry later.";
      default: return status >= 500 ? "The server failed to handle this request." : "The request was refused.";
    }
  }
}
