package dev.bulwark.server;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which route modules are mounted, where each came from and the routes it added: logged once at INFO when the first
 * event loop mounts it, and listed in {@code /admin/status} {@code modules}.
 */
final class MountedModules {

  private static final Logger LOG = LoggerFactory.getLogger(MountedModules.class);

  /** The source of Bulwark's own route groups. */
  static final String BUILT_IN = "built-in";

  private record Mounted(String name, String source, List<String> routes) {
  }

  private final Map<String, Mounted> byName = new ConcurrentHashMap<>();
  private final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** Records a module's routes the first time any event loop mounts it. */
  void record(String name, String source, List<Route> added) {
    if (byName.containsKey(name)) {
      return;
    }
    List<String> routes = new ArrayList<>();
    for (Route route : added) {
      String path = route.getPath() != null ? route.getPath() : route.getName();
      if (path == null) {
        continue;
      }
      if (route.methods() == null || route.methods().isEmpty()) {
        routes.add("* " + path);
      } else {
        for (HttpMethod m : route.methods()) {
          routes.add(m.name() + " " + path);
        }
      }
    }
    if (byName.putIfAbsent(name, new Mounted(name, source, List.copyOf(routes))) == null) {
      order.add(name);
      String line = routes.isEmpty() ? "no routes" : String.join(", ", routes);
      if (source.equals(BUILT_IN)) {
        LOG.debug("Route module {} ({}): {}", name, source, line); // the same at every start: listed in the status
      } else {
        LOG.info("Route module {} ({}): {}", name, source, line);
      }
    }
  }

  /** The {@code modules} section of {@code /admin/status}. */
  JsonArray toJson() {
    JsonArray out = new JsonArray();
    for (String name : order) {
      Mounted m = byName.get(name);
      out.add(new JsonObject().put("name", m.name()).put("source", m.source()).put("routes", new JsonArray(m.routes())));
    }
    return out;
  }
}
