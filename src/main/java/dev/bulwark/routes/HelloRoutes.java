package dev.bulwark.routes;

import dev.bulwark.spi.RouteModule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;

/** {@code GET /hello}: passes the whole guard chain and does no work, the probe for the chain's overhead. */
final class HelloRoutes implements RouteModule {

  private static final CharSequence TEXT_PLAIN = HttpHeaders.createOptimized("text/plain");
  private static final Buffer HELLO = Buffer.buffer("hello");

  @Override
  public String name() {
    return "hello";
  }

  @Override
  public void mount(Router router, Context context) {
    router.get("/hello").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, TEXT_PLAIN).end(HELLO));
  }
}
