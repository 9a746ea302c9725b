package dev.bulwark.admin;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The {@code GET /admin/status} document: each capability contributes one named section at start, read fresh on each
 * request. Sections are registered before the admin port opens and never change after.
 */
public final class AdminStatus {

  private final Map<String, Supplier<Object>> sections = new LinkedHashMap<>();
  private volatile boolean sealed;

  /** Adds a section; its supplier runs on the admin event loop, so it must be cheap and must not block. */
  public AdminStatus section(String name, Supplier<Object> supplier) {
    if (sealed) {
      throw new IllegalStateException("status sections are fixed once the admin port is open");
    }
    if (sections.putIfAbsent(name, supplier) != null) {
      throw new IllegalArgumentException("status section " + name + " is already registered");
    }
    return this;
  }

  /** Fixes the sections: called when the admin port opens. */
  public void seal() {
    sealed = true;
  }

  public JsonObject snapshot() {
    return snapshot(sections.keySet());
  }

  /** Only the named sections that are registered (a timer reading a few figures needs no module list). */
  public JsonObject snapshot(Iterable<String> names) {
    JsonObject out = new JsonObject();
    for (String name : names) {
      Supplier<Object> supplier = sections.get(name);
      if (supplier != null) {
        out.put(name, supplier.get());
      }
    }
    return out;
  }
}
