package dev.bulwark.session;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * The session cookie: ids of {@link #ID_BYTES} bytes from a {@link SecureRandom}, base64url without padding; always
 * HttpOnly, SameSite and Secure per config. An id that is not of that form is no id at all, so a client can neither
 * pick a Redis key nor plant an id of its choosing (a fresh one is made instead).
 */
final class SessionCookie {

  static final int ID_BYTES = 32;
  /** Base64 without padding: four characters per three bytes, rounded up. */
  static final int ID_LENGTH = (ID_BYTES * 4 + 2) / 3;

  private final SecureRandom random = new SecureRandom();
  private final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
  private final SessionOptions options;
  private final CookieSameSite sameSite;

  SessionCookie(SessionOptions options) {
    this.options = options;
    this.sameSite = CookieSameSite.valueOf(options.sameSite().toUpperCase(Locale.ROOT));
  }

  String newId() {
    byte[] bytes = new byte[ID_BYTES];
    random.nextBytes(bytes);
    return base64.encodeToString(bytes);
  }

  /** The id the request's cookie carries, or null when it has none of the right form. */
  String idOf(HttpServerRequest request) {
    Cookie cookie = request.getCookie(options.cookieName());
    String id = cookie == null ? null : cookie.getValue();
    return id != null && isWellFormed(id) ? id : null;
  }

  /** Sets the cookie, unless the answer's head is already out (a timeout answered): then it is never announced. */
  void announce(HttpServerResponse response, String id) {
    if (!response.headWritten()) {
      response.addCookie(Cookie.cookie(options.cookieName(), id).setPath("/").setHttpOnly(true)
          .setSecure(options.cookieSecure()).setSameSite(sameSite));
    }
  }

  private static boolean isWellFormed(String id) {
    if (id.length() != ID_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean base64url = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'
          || c == '_';
      if (!base64url) {
        return false;
      }
    }
    return true;
  }
}
