package dev.bulwark.example;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.scope.RequestScope;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * A user's own routes, found through {@code META-INF/services/dev.bulwark.spi.RouteModule} on the test classpath: the
 * example the README points to. They sit behind the same guard chain as Bulwark's routes.
 */
public final class ExampleModule implements RouteModule {

  @Override
  public void mount(Router router, Context context) {
    router.get("/example/greet/:name").handler(ctx -> ctx.json(
        new JsonObject().put("greeting", "hello " + ctx.pathParam("name"))));
    router.get("/example/boom").handler(ctx -> {
      throw new IllegalStateException("secret internal detail");
    });
    router.get("/example/teapot").handler(ctx -> ctx.fail(new ApiError(418, "teapot", "This route is a teapot.")));
    router.get("/example/hold").handler(ctx -> {
      long ms = Long.parseLong(ctx.queryParams().get("ms"));
      // A scoped timer: cancelled if the client hangs up or the request times out first.
      RequestScope.of(ctx).setTimer(ms, id -> ctx.response().end("held"));
    });
  }
}
