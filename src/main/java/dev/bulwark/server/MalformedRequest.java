package dev.bulwark.server;

import dev.bulwark.spi.ApiError;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import java.util.List;

/**
 * What is wrong with a request whose handling failed because of the request itself: Vert.x and vertx-web throw on a
 * path with a broken percent-encoding or an HTTP/1.x request without a usable {@code Host}, and a failure that would
 * otherwise be a 500 with an ERROR line is the client's 400. Looked at only once a request has failed: the hot path
 * never pays for it.
 */
final class MalformedRequest {

  static final ApiError BAD_PATH = new ApiError(400, "bad_path",
      "The path has a malformed percent-encoding (% must be followed by two hexadecimal digits).");
  static final ApiError BAD_HOST = new ApiError(400, "bad_host",
      "An HTTP/1.1 request needs exactly one Host header holding a valid host[:port].");

  private MalformedRequest() {
  }

  /** The client's error in {@code request}, or null when the request itself is sound. */
  static ApiError of(HttpServerRequest request) {
    if (request.version() != HttpVersion.HTTP_2 && !validHost(request)) {
      return BAD_HOST;
    }
    String uri = request.uri();
    int query = uri.indexOf('?');
    return malformedPercent(query < 0 ? uri : uri.substring(0, query)) ? BAD_PATH : null;
  }

  private static boolean validHost(HttpServerRequest request) {
    List<String> hosts = request.headers().getAll(HttpHeaders.HOST);
    if (request.version() == HttpVersion.HTTP_1_0 && hosts.isEmpty()) {
      return true; // HTTP/1.0 has no Host requirement
    }
    return hosts.size() == 1 && HostAndPort.parseAuthority(hosts.get(0), -1) != null;
  }

  /** True when a {@code %} is not followed by two hexadecimal digits. */
  static boolean malformedPercent(String path) {
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 1)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0
          || Character.digit(path.charAt(i + 2), 16) < 0) {
        return true;
      }
    }
    return false;
  }
}
