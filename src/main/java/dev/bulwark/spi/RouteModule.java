package dev.bulwark.spi;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import dev.bulwark.scope.VerticleScope;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The one extension point for routes: Bulwark's own route groups mount through it exactly as a user's do. A module
 * is found with {@link java.util.ServiceLoader} ({@code META-INF/services/dev.bulwark.spi.RouteModule}) on the class
 * path or in a jar under {@code modules.dir}, declares its own config keys once at start ({@link #declare}), then
 * {@link #mount}s its routes once per event loop behind the whole guard chain (admission, request scope, pressure,
 * body limits, metrics by route template, JSON errors).
 *
 * <p>Guarantee: what a module declares through its {@link Context} (critical routes, streamed bodies) is in force
 * for its routes before the first request, matched on whole path segments.
 */
public interface RouteModule {

  /** What a module may use while it mounts its routes. */
  interface Context {

    Vertx vertx();

    /** This module's own section, {@code modules.<name>}, as checked at start. */
    ModuleConfig config();

    /**
     * Resources that live as long as this module on this event loop (a periodic publisher, a listener on a shared
     * emitter): released when the server stops. Per-request resources go in {@code RequestScope.of(ctx)}.
     */
    VerticleScope scope();

    /** Reads request bodies into memory within a route's limit and the in-flight body budget. */
    Bodies bodies();

    /**
     * The server's meter registry, scraped at {@code /metrics} (a no-op one when {@code metrics.enabled} is false).
     * Every tag is capped at {@code metrics.maxTagValues} distinct values, past which values read {@code other}; still,
     * tag with templates and fixed sets, never raw paths or ids. Shared by every event loop: register a meter once
     * (Micrometer returns the same meter for the same name and tags) and keep it in a field.
     */
    MeterRegistry meterRegistry();

    /**
     * Declares that requests under {@code pathPrefix} stream their bodies elsewhere (to disk): they may declare up to
     * {@code maxBytes} and take nothing from the in-memory body budget. The route must bound what it reads itself.
     */
    void streamedBody(String pathPrefix, long maxBytes);

    /** Declares that requests under {@code pathPrefix} are served even under CRITICAL memory pressure. */
    void critical(String pathPrefix);
  }

  /**
   * A name for logs, {@code /admin/status} and this module's config section {@code modules.<name>}: letters, digits,
   * {@code -} and {@code _}. Defaults to the class's simple name with its first letter in lower case.
   */
  default String name() {
    String simple = getClass().getSimpleName();
    return simple.isEmpty() ? "module" : Character.toLowerCase(simple.charAt(0)) + simple.substring(1);
  }

  /**
   * Declares and checks this module's keys in its section {@code modules.<name>}, once at start, before anything is
   * mounted: read each key through {@code section} with its default, range and meaning. A key under
   * {@code modules.<name>} that no call declared stops the start (exit 2), as any unknown key does.
   */
  default void declare(Section section) throws ConfigException {
  }

  /** Adds this module's routes to {@code router}; runs on the event loop of that router. Must not block. */
  void mount(Router router, Context context);
}
