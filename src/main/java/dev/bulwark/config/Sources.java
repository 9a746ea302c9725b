package dev.bulwark.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Remembers which file or environment variable gave each key, so an error can say where to fix it and
 * {@code /admin/config} where each value in force came from.
 */
final class Sources {

  /** The label of a key no file or variable set. */
  static final String DEFAULT = "default";

  /** One source: {@code name} as an error message shows it, {@code label} as {@link Key#source()} does. */
  record Origin(String name, String label) {

    static final Origin JSON = new Origin("json", "json");

    static Origin file(Path file) {
      return new Origin(file.toString(), "file:" + file.toAbsolutePath().normalize());
    }

    static Origin variable(String name) {
      return new Origin(name, "env:" + name);
    }
  }

  private final Map<String, Origin> origin = new HashMap<>();

  /** Merges {@code from} into {@code into}, deep for objects; the later source wins, key by key. */
  void merge(JsonObject into, JsonObject from, Origin source, String prefix) {
    for (Map.Entry<String, Object> e : from) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      Object value = e.getValue();
      Object existing = into.getValue(e.getKey());
      origin.put(path, source);
      if (value instanceof JsonObject obj) {
        JsonObject target = existing instanceof JsonObject old ? old : new JsonObject();
        into.put(e.getKey(), target);
        merge(target, obj, source, path);
      } else {
        into.put(e.getKey(), value);
      }
    }
  }

  /** A value given under the former name {@code old} of key {@code path} now stands there, from the same source. */
  void renamed(String old, String path) {
    Origin from = origin.get(old);
    if (from != null) {
      origin.put(path, new Origin(from.name() + ", as " + old, from.label()));
    }
  }

  String originOf(String path) {
    Origin o = origin.get(path);
    return o == null ? null : o.name();
  }

  /** Where the value of {@code path} came from, as {@link Key#source()} gives it. */
  String labelOf(String path) {
    Origin o = origin.get(path);
    return o == null ? DEFAULT : o.label();
  }

  ConfigException error(String path, Object given, String allowed) {
    return errorShowing(path, Section.describe(given), allowed);
  }

  /** As {@link #error}, with the value already as it may be shown ({@code ****} for a secret). */
  ConfigException errorShowing(String path, String shown, String allowed) {
    String from = originOf(path);
    return new ConfigException(path + " = " + shown + (from == null ? "" : " (from " + from + ")") + ": " + allowed);
  }
}
