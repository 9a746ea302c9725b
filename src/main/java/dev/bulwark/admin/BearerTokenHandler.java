package dev.bulwark.admin;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Lets a request through only with {@code Authorization: Bearer <token>}; otherwise 401 {@code unauthorized}. The
 * comparison takes the same time whatever the token given, so timing reveals nothing of the right one.
 */
public interface BearerTokenHandler extends Handler<RoutingContext> {

  static BearerTokenHandler create(String token) {
    return new BearerTokenHandlerImpl(token);
  }
}
