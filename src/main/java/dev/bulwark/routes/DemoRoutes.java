package dev.bulwark.routes;

import dev.bulwark.spi.ApiError;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.scope.RequestScope;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * The article's leaky routes, written the safe way: every timer, consumer and listener is made through the request's
 * scope, so it dies with the request however the request ends (answered, client gone, timed out, failed).
 */
final class DemoRoutes implements RouteModule {

  /** The address {@code /demo/event} listens on. */
  public static final String EVENTS = "demo.events";
  /** The demo timers tick every 10 ms (API.md). */
  static final long TICK_MS = 10;

  private final long maxMs;
  // Requests of this event loop listening for demo events; the publisher runs only while there are some.
  private int listeners;
  private long publisher = -1;

  DemoRoutes(DemoOptions options) {
    this.maxMs = options.maxDelay().toMillis();
  }

  @Override
  public String name() {
    return "demo";
  }

  @Override
  public void mount(Router router, Context context) {
    router.get("/demo/timer").handler(ctx -> {
      long ms = delayOf(ctx, maxMs);
      RequestScope scope = RequestScope.of(ctx);
      int[] ticks = {0};
      scope.setPeriodic(TICK_MS, id -> ticks[0]++);
      Supplier<JsonObject> soFar = () -> new JsonObject().put("ticks", ticks[0]);
      after(scope, ms, () -> ctx.json(soFar.get()));
      untilDrained(ctx, scope, soFar);
    });

    router.get("/demo/event").handler(ctx -> {
      long ms = delayOf(ctx, maxMs);
      RequestScope scope = RequestScope.of(ctx);
      int[] received = {0};
      listen(context);
      scope.register(() -> unlisten(context));
      scope.consumer(EVENTS, msg -> received[0]++);
      Supplier<JsonObject> soFar = () -> new JsonObject().put("received", received[0]);
      after(scope, ms, () -> ctx.json(soFar.get()));
      untilDrained(ctx, scope, soFar);
    });

    router.get("/demo/slow").handler(ctx -> {
      long ms = delayOf(ctx, maxMs);
      after(RequestScope.of(ctx), ms, () -> ctx.json(new JsonObject().put("sleptMs", ms)));
    });
  }

  /**
   * The publisher is a timer of the verticle's scope (it stops with the server, not with a request) that runs only
   * while this loop has listeners: an idle 10 ms timer costs a loaded loop about 5 % of its time, since Netty's NIO
   * loop polls without blocking through the last half millisecond before each scheduled task.
   */
  private void listen(Context context) {
    if (listeners++ == 0) {
      publisher = context.scope().setPeriodic(TICK_MS, id -> context.vertx().eventBus().publish(EVENTS, id));
    }
  }

  private void unlisten(Context context) {
    if (--listeners == 0) {
      context.scope().cancelTimer(publisher);
      publisher = -1;
    }
  }

  /**
   * A timer or a subscription has no end of its own to wait for: when the server drains for shutdown, the request is
   * answered at once with what it has so far, marked {@code "drained": true}. ({@code /demo/slow} stands for work that
   * cannot be hurried, so it does not ask: it finishes within {@code shutdown.timeout} or is cut.)
   */
  private static void untilDrained(RoutingContext ctx, RequestScope scope, Supplier<JsonObject> soFar) {
    if (!ctx.response().ended()) {
      scope.onDrain(() -> {
        if (!ctx.response().ended()) {
          ctx.json(soFar.get().put("drained", true));
        }
      });
    }
  }

  /** Runs {@code answer} after {@code ms} through a scoped timer, or now when {@code ms} is 0. */
  private static void after(RequestScope scope, long ms, Runnable answer) {
    if (ms == 0) {
      answer.run();
    } else {
      scope.setTimer(ms, id -> answer.run());
    }
  }

  /** The {@code ms} query parameter: absent means 0; not an integer in [0, max] is 400 {@code bad_parameter}. */
  static long delayOf(RoutingContext ctx, long maxMs) {
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
