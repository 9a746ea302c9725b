package dev.bulwark.config;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Reads one section of the merged config with its types and ranges, and records every key it is asked for, so the
 * loader can reject keys that no section asked for. The section readers ({@code ServerSections}, ...) and route
 * modules read their sections through this once at start.
 */
public final class Section {

  private final String path;
  private final JsonObject json;
  private final Sources sources;
  private final List<Key> keys;
  private final java.util.Map<String, Object> typed;
  private final List<String> notices;

  Section(String path, JsonObject json, Sources sources, List<Key> keys, java.util.Map<String, Object> typed,
      List<String> notices) {
    this.path = path;
    this.json = json;
    this.sources = sources;
    this.keys = keys;
    this.typed = typed;
    this.notices = notices;
  }

  /**
   * The names of the entries of a map-like section ({@code caches.<name>}), at most {@code max}, each matching
   * {@code pattern} (the options' own rule for a name, stated once there); {@code defaults} when the section is absent
   * or empty.
   */
  public java.util.List<String> names(String name, java.util.List<String> defaults, int max, String pattern)
      throws ConfigException {
    Object raw = json.getValue(name);
    if (raw != null && !(raw instanceof JsonObject)) {
      throw sources.error(pathOf(name), raw, "expected an object of named entries");
    }
    JsonObject obj = (JsonObject) raw;
    if (obj == null || obj.isEmpty()) {
      return defaults;
    }
    if (obj.size() > max) {
      throw sources.error(pathOf(name), raw, "expected at most " + max + " entries");
    }
    for (String n : obj.fieldNames()) {
      if (!n.matches(pattern)) {
        throw sources.error(pathOf(name) + "." + n, n, "expected a name of lower-case letters, digits, - and _");
      }
    }
    return java.util.List.copyOf(obj.fieldNames());
  }

  /** A nested section; a value there that is not an object is an error. */
  public Section section(String name) throws ConfigException {
    String p = pathOf(name);
    Object raw = json.getValue(name);
    if (raw != null && !(raw instanceof JsonObject)) {
      throw sources.error(p, raw, "expected an object of settings");
    }
    keys.add(new Key(p, "section", null, null, false, null, sources.labelOf(p)));
    return new Section(p, raw == null ? new JsonObject() : (JsonObject) raw, sources, keys, typed, notices);
  }

  /**
   * Declares {@code old} as the former name of this section's key {@code name}: a value given under it (in a file or
   * by its environment variable) is read as {@code name}'s, and a notice for the start's log asks for the rename;
   * both given is an error. Call before reading {@code name}.
   */
  void renamed(String old, String name) throws ConfigException {
    keys.add(new Key(pathOf(old), Key.RENAMED, null, pathOf(name), false, "Former name of `" + pathOf(name) + "`.",
        sources.labelOf(pathOf(old))));
    if (!json.containsKey(old)) {
      return;
    }
    String from = sources.originOf(pathOf(old));
    if (json.containsKey(name)) {
      throw new ConfigException(pathOf(old) + " (from " + from + ") and " + pathOf(name) + " (from "
          + sources.originOf(pathOf(name)) + ") are one setting under its former and its new name; keep "
          + pathOf(name));
    }
    json.put(name, json.remove(old));
    sources.renamed(pathOf(old), pathOf(name));
    notice(pathOf(old) + " (from " + from + ") is deprecated: it is now " + pathOf(name)
        + ", with the same meaning; rename it, the old name will be refused in a later release");
  }

  /** Something the operator should read at start (a deprecated key, a certificate about to expire): logged at WARN. */
  void notice(String sentence) {
    notices.add(sentence);
  }

  public String string(String name, String def, String meaning) throws ConfigException {
    return record(name, "string", def, readString(name, def), false, meaning);
  }

  /** A string printed as {@code ****} by {@code --print-config}. */
  public String secret(String name, String def, String meaning) throws ConfigException {
    return record(name, "string (secret)", def, readString(name, def), true, meaning);
  }

  /** A string that must be one of {@code allowed}; the comparison ignores case, the result is as listed. */
  public String choice(String name, String def, List<String> allowed, String meaning) throws ConfigException {
    String given = readString(name, def);
    for (String a : allowed) {
      if (a.equalsIgnoreCase(given)) {
        return record(name, "one of " + String.join(", ", allowed), def, a, false, meaning);
      }
    }
    throw sources.error(pathOf(name), given, "expected one of " + String.join(", ", allowed));
  }

  public boolean bool(String name, boolean def, String meaning) throws ConfigException {
    Object raw = json.getValue(name);
    boolean value = def;
    if (raw instanceof Boolean b) {
      value = b;
    } else if (raw instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
      value = Boolean.parseBoolean(s);
    } else if (raw != null) {
      throw sources.error(pathOf(name), raw, "expected true or false");
    }
    return record(name, "boolean", def, value, false, meaning);
  }

  public int integer(String name, int def, int min, int max, String meaning) throws ConfigException {
    Object raw = json.getValue(name);
    long value = def;
    String allowed = "expected an integer from " + min + " to " + max;
    if (raw != null) {
      value = asLong(raw, name, allowed);
    }
    if (value < min || value > max) {
      throw sources.error(pathOf(name), raw, allowed);
    }
    return record(name, "integer " + min + ".." + max, def, (int) value, false, meaning);
  }

  /** A byte count given as {@code 512}, {@code 64KiB}, {@code 16MiB} or {@code 1GiB}. */
  public long size(String name, long def, long min, long max, String meaning) throws ConfigException {
    Object raw = json.getValue(name);
    String allowed = Units.SIZE_FORMS + ", from " + Units.formatSize(min) + " to " + Units.formatSize(max);
    long value = def;
    if (raw instanceof Number || raw instanceof String) {
      value = raw instanceof Number ? asLong(raw, name, allowed) : Units.parseSize((String) raw);
    } else if (raw != null) {
      value = -1;
    }
    if (value < min || value > max) {
      throw sources.error(pathOf(name), raw, allowed);
    }
    record(name, "size", Units.formatSize(def), Units.formatSize(value), false, meaning);
    typed.put(pathOf(name), value);
    return value;
  }

  /** A duration given as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 24h} or {@code 7d}. */
  public Duration duration(String name, Duration def, Duration min, Duration max, String meaning)
      throws ConfigException {
    Object raw = json.getValue(name);
    String allowed = Units.DURATION_FORMS + ", from " + Units.formatDuration(min) + " to " + Units.formatDuration(max);
    Duration value = def;
    if (raw != null) {
      value = raw instanceof String s ? Units.parseDuration(s) : null;
      if (value == null) {
        throw sources.error(pathOf(name), raw, allowed);
      }
    }
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw sources.error(pathOf(name), raw, allowed);
    }
    record(name, "duration", Units.formatDuration(def), Units.formatDuration(value), false, meaning);
    typed.put(pathOf(name), value);
    return value;
  }

  /** A number from {@code min} to {@code max}, such as a fraction of a limit ({@code 0.85}). */
  public double fraction(String name, double def, double min, double max, String meaning) throws ConfigException {
    Object raw = json.getValue(name);
    double value = def;
    String allowed = "expected a number from " + min + " to " + max;
    if (raw instanceof Number n) {
      value = n.doubleValue();
    } else if (raw instanceof String str && str.trim().matches("-?\\d+(\\.\\d+)?")) {
      value = Double.parseDouble(str.trim());
    } else if (raw != null) {
      throw sources.error(pathOf(name), raw, allowed);
    }
    if (!(value >= min && value <= max)) {
      throw sources.error(pathOf(name), raw, allowed);
    }
    return record(name, "number " + min + ".." + max, def, value, false, meaning);
  }

  /** A list of strings, at most {@code maxItems}; from the environment, a comma-separated string. */
  public java.util.List<String> stringList(String name, int maxItems, String meaning) throws ConfigException {
    return stringList(name, maxItems, item -> true, "", meaning);
  }

  /**
   * As {@link #stringList(String, int, String)}, each item accepted by {@code valid}; otherwise the error names the
   * key, the value as given and {@code allowed}.
   */
  public java.util.List<String> stringList(String name, int maxItems, java.util.function.Predicate<String> valid,
      String allowed, String meaning) throws ConfigException {
    Object raw = json.getValue(name);
    java.util.List<String> value = readStrings(name, raw, maxItems);
    if (!value.stream().allMatch(valid)) {
      throw sources.error(pathOf(name), raw, allowed);
    }
    record(name, "list of strings", new io.vertx.core.json.JsonArray(), new io.vertx.core.json.JsonArray(value), false,
        meaning);
    return java.util.List.copyOf(value);
  }

  /**
   * A strictly ascending list of durations ({@code ["5ms", "1s"]}, or {@code "5ms,1s"} from the environment), 1 to
   * {@code maxItems} of them, each from {@code min} to {@code max}; {@code def} when absent.
   */
  public java.util.List<Duration> durationList(String name, java.util.List<Duration> def, int maxItems, Duration min,
      Duration max, String meaning) throws ConfigException {
    Object raw = json.getValue(name);
    String allowed = "expected 1 to " + maxItems + " strictly ascending durations (" + Units.DURATION_FORMS + "), from "
        + Units.formatDuration(min) + " to " + Units.formatDuration(max);
    java.util.List<Duration> value = def;
    if (raw != null) {
      java.util.List<Duration> parsed = new java.util.ArrayList<>();
      for (String item : readStrings(name, raw, maxItems)) {
        Duration d = Units.parseDuration(item);
        if (d == null || d.compareTo(min) < 0 || d.compareTo(max) > 0
            || (!parsed.isEmpty() && d.compareTo(parsed.get(parsed.size() - 1)) <= 0)) {
          throw sources.error(pathOf(name), raw, allowed);
        }
        parsed.add(d);
      }
      if (parsed.isEmpty()) {
        throw sources.error(pathOf(name), raw, allowed);
      }
      value = java.util.List.copyOf(parsed);
    }
    record(name, "list of durations", durationsJson(def), durationsJson(value), false, meaning);
    return value;
  }

  private static io.vertx.core.json.JsonArray durationsJson(java.util.List<Duration> durations) {
    io.vertx.core.json.JsonArray array = new io.vertx.core.json.JsonArray();
    durations.forEach(d -> array.add(Units.formatDuration(d)));
    return array;
  }

  /** The strings of a list value: a JSON array of strings, or a comma-separated string (from the environment). */
  private java.util.List<String> readStrings(String name, Object raw, int maxItems) throws ConfigException {
    java.util.List<String> value = new java.util.ArrayList<>();
    String notAList = "expected a list of at most " + maxItems + " strings";
    if (raw instanceof io.vertx.core.json.JsonArray array) {
      for (Object item : array) {
        if (!(item instanceof String str)) {
          throw sources.error(pathOf(name), raw, notAList);
        }
        value.add(str);
      }
    } else if (raw instanceof String str) {
      for (String part : str.split(",")) {
        if (!part.isBlank()) {
          value.add(part.trim());
        }
      }
    } else if (raw != null) {
      throw sources.error(pathOf(name), raw, notAList);
    }
    if (value.size() > maxItems) {
      throw sources.error(pathOf(name), raw, notAList);
    }
    return value;
  }

  /**
   * The error for a value of key {@code name} that a check outside this class refused, in the same shape as the
   * others: {@code <key> = <value> (from <file or variable>): <allowed>}.
   */
  ConfigException invalid(String name, Object given, String allowed) {
    return sources.error(pathOf(name), given, allowed);
  }

  /** As {@link #invalid}, for a value never to be printed: {@code shown} stands in for it. */
  ConfigException invalidSecret(String name, String shown, String allowed) {
    return sources.errorShowing(pathOf(name), shown, allowed);
  }

  private String readString(String name, String def) throws ConfigException {
    Object raw = json.getValue(name);
    if (raw == null) {
      return def;
    }
    if (!(raw instanceof String s)) {
      throw sources.error(pathOf(name), raw, "expected a string");
    }
    return s;
  }

  private long asLong(Object raw, String name, String allowed) throws ConfigException {
    if (raw instanceof Integer || raw instanceof Long) {
      return ((Number) raw).longValue();
    }
    if (raw instanceof String s && s.trim().matches("-?\\d{1,18}")) {
      return Long.parseLong(s.trim());
    }
    throw sources.error(pathOf(name), raw, allowed);
  }

  private <T> T record(String name, String type, Object def, T value, boolean secret, String meaning) {
    keys.add(new Key(pathOf(name), type, def, value, secret, meaning, sources.labelOf(pathOf(name))));
    typed.put(pathOf(name), value);
    return value;
  }

  private String pathOf(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }

  static String describe(Object raw) {
    if (raw instanceof String s) {
      return "\"" + s + "\"";
    }
    if (raw instanceof JsonObject) {
      return "an object";
    }
    return String.valueOf(raw).toLowerCase(Locale.ROOT).equals("null") ? "null" : String.valueOf(raw);
  }
}
