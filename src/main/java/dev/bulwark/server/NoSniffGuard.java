package dev.bulwark.server;

import dev.bulwark.scope.RequestScopeHandler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Puts {@code X-Content-Type-Options: nosniff} on every HTTP/2 response of the main port, the errors and refusals of
 * the guards after it included, so no browser ever guesses a type from a body a client stored. HTTP/1.x responses get
 * it from {@link NoSniffEncoder} for free; only where that encoder is out of reach does this guard add it to them too.
 * First of the guards.
 */
final class NoSniffGuard implements RequestScopeHandler.Guard {

  static final CharSequence NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
  static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");

  private final boolean perRequest = !NoSniffEncoder.available();

  @Override
  public boolean enter(RoutingContext ctx) {
    if (perRequest || ctx.request().version() == HttpVersion.HTTP_2) {
      ctx.response().headers().add(NAME, NOSNIFF);
    }
    return true;
  }

  @Override
  public void exit(RoutingContext ctx, long startNanos, boolean sent) {
    // nothing to undo
  }
}
