package dev.bulwark;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.scope.VerticleScope;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * An extension point for a user's own routes. Implementations listed in
 * {@code META-INF/services/dev.bulwark.RouteModule} are found with {@link java.util.ServiceLoader} and mounted on the
 * guarded router after Bulwark's own routes, so every request to them passes the same guard chain (admission,
 * request scope, pressure, body limits) and is measured and rendered like any other. In a handler,
 * {@code RequestScope.of(ctx)} makes timers, consumers and other resources that die with the request.
 *
 * <p>{@link #mount} runs once per HTTP verticle instance, on that instance's event loop: keep per-instance state in
 * fields of the handlers it creates, not in statics.
 */
public interface RouteModule {

  /** What a module may use while it mounts its routes. */
  interface Context {

    Vertx vertx();

    BulwarkConfig config();

    /**
     * Resources that live as long as this module on this event loop (a periodic publisher, a listener on a shared
     * emitter): released when the server stops. Per-request resources go in {@code RequestScope.of(ctx)}.
     */
    VerticleScope scope();
  }

  /** Adds this module's routes to {@code router}. Must not block. */
  void mount(Router router, Context context);

  /** A name for logs; defaults to the class's simple name. */
  default String name() {
    return getClass().getSimpleName();
  }
}
