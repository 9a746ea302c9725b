package dev.bulwark.config;

import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/** Remembers which file or environment variable gave each key, so an error can say where to fix it. */
final class Sources {

  private final Map<String, String> origin = new HashMap<>();

  /** Merges {@code from} into {@code into}, deep for objects; the later source wins, key by key. */
  void merge(JsonObject into, JsonObject from, String source, String prefix) {
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
    origin.put(path, origin.get(old) + ", as " + old);
  }

  String originOf(String path) {
    return origin.get(path);
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
