package dev.bulwark.examples.greet;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import dev.bulwark.scope.RequestScope;
import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.ModuleConfig;
import dev.bulwark.spi.RouteModule;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /greet/:name} and {@code GET /greet/:name/later?ms=N}, configured under {@code modules.greet}: a route
 * module built on its own and dropped into Bulwark's {@code modules/} directory.
 *
 * <p>Guarantee: a name longer than {@code maxNameLength} or an {@code ms} outside 0..{@code maxDelayMs} is refused with
 * 400 {@code bad_parameter} before anything is held; a delayed answer waits on a timer owned by the request's scope,
 * so a client that leaves (or a request that times out) cancels it and nothing outlives the request.
 */
public final class GreetModule implements RouteModule {

  @Override
  public String name() {
    return "greet";
  }

  @Override
  public void declare(Section section) throws ConfigException {
    section.string("greeting", "hello", "Word put before the name in the answers of `/greet/:name`.");
    section.integer("maxNameLength", 64, 1, 256,
        "Longest `:name` (in characters) the `/greet` routes accept; longer: 400 `bad_parameter`.");
    section.integer("maxDelayMs", 5000, 0, 60_000,
        "Largest `ms` `/greet/:name/later` accepts; larger: 400 `bad_parameter`.");
  }

  @Override
  public void mount(Router router, Context context) {
    // Read from the checked config: declare() ran on another instance, once, at start.
    ModuleConfig config = context.config();
    String greeting = config.string("greeting");
    int maxNameLength = config.integer("maxNameLength");
    int maxDelayMs = config.integer("maxDelayMs");

    router.get("/greet/:name").handler(ctx -> ctx.json(answer(greeting, nameOf(ctx, maxNameLength))));

    router.get("/greet/:name/later").handler(ctx -> {
      JsonObject answer = answer(greeting, nameOf(ctx, maxNameLength));
      long ms = delayOf(ctx, maxDelayMs);
      if (ms == 0) {
        ctx.json(answer);
      } else {
        // Cancelled with the request if the client hangs up or http.requestTimeout passes first.
        RequestScope.of(ctx).setTimer(ms, id -> ctx.json(answer.put("delayedMs", ms)));
      }
    });
  }

  private static JsonObject answer(String greeting, String name) {
    return new JsonObject().put("greeting", greeting + " " + name);
  }

  /** The {@code :name} path parameter, at most {@code max} characters; longer is 400 {@code bad_parameter}. */
  private static String nameOf(RoutingContext ctx, int max) {
    String name = ctx.pathParam("name");
    if (name.codePointCount(0, name.length()) > max) {
      throw new ApiError(400, "bad_parameter", "name must be at most " + max + " characters.");
    }
    return name;
  }

  /** The {@code ms} query parameter: absent means 0; not an integer in [0, max] is 400 {@code bad_parameter}. */
  private static long delayOf(RoutingContext ctx, long maxMs) {
    String raw = ctx.queryParams().get("ms");
    if (raw == null) {
      return 0;
    }
    long ms = -1;
    if (!raw.isEmpty() && raw.length() <= 18 && raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
      ms = Long.parseLong(raw);
    }
    if (ms < 0 || ms > maxMs) {
      throw new ApiError(400, "bad_parameter", "ms must be an integer from 0 to " + maxMs + ".");
    }
    return ms;
  }
}
