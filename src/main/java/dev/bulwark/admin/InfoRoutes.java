package dev.bulwark.admin;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.lang.management.ManagementFactory;
import java.lang.management.RuntimeMXBean;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What is running, for the admin port (which mounts these behind its token): {@code GET /admin/info} (the build, the
 * JVM, since when, the process id and the route modules with their routes) and {@code GET /admin/config} (the config
 * in force, secrets masked, with the source of every value). Both are made of facts fixed at start, except the uptime
 * and the modules, read on each request from memory: nothing here blocks.
 */
public final class InfoRoutes {

  private InfoRoutes() {
  }

  /**
   * Mounts both routes; {@code modules} lists the mounted route modules ({@code [{"name","source","routes"}]}),
   * {@code config} is the document {@code dev.bulwark.config.EffectiveConfig} makes.
   */
  public static void mount(Router router, BuildInfo build, Supplier<JsonArray> modules, JsonObject config) {
    RuntimeMXBean runtime = ManagementFactory.getRuntimeMXBean();
    JsonObject fixed = new JsonObject()
        .put("version", build.version())
        .put("commit", build.describedCommit())
        .put("dirty", build.dirty())
        .put("buildTime", build.buildTime())
        .put("java", new JsonObject()
            .put("version", BuildInfo.javaVersion())
            .put("vendor", System.getProperty("java.vendor", BuildInfo.UNKNOWN))
            .put("vm", System.getProperty("java.vm.name", BuildInfo.UNKNOWN) + " "
                + System.getProperty("java.vm.version", "")))
        .put("startedAt", Instant.ofEpochMilli(runtime.getStartTime()).toString())
        .put("pid", ProcessHandle.current().pid());
    router.get("/admin/info").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(fixed.copy()
            .put("uptimeSeconds", runtime.getUptime() / 1000)
            .put("modules", modules.get())
            .encodePrettily()));
    String configJson = config.encodePrettily();
    router.get("/admin/config").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(configJson));
  }
}
