package dev.bulwark.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges config files (later files win) and {@code BULWARK_*} environment variables over the built-in defaults, then
 * checks the result against the keys the section readers declare: an unknown key, a wrong type or a value out of
 * range is a {@link ConfigException}, never a silently ignored setting.
 */
final class ConfigLoader {

  static final String ENV_PREFIX = "BULWARK_";
  /**
   * Keys that were renamed, old to new. Refused rather than read as aliases: one name per setting, so a config never
   * holds two values for it, and the error says what to write instead.
   */
  static final Map<String, String> RENAMED = Map.of("http.shutdownGrace", "shutdown.timeout");

  private ConfigLoader() {
  }

  static BulwarkConfig load(List<Path> files, Map<String, String> env, ModuleSource modules)
      throws ConfigException {
    Sources sources = new Sources();
    JsonObject merged = new JsonObject();
    for (Path file : files) {
      sources.merge(merged, ConfigFile.read(file), Sources.Origin.file(file), "");
    }
    // Modules are found once, in the directory the files or the environment name, and declare their keys on every
    // pass below.
    String dir = env.get(ENV_PREFIX + "MODULES_DIR");
    if (dir == null) {
      JsonObject section = merged.getValue("modules") instanceof JsonObject m ? m : new JsonObject();
      dir = section.getValue("dir") instanceof String d ? d : BulwarkConfig.DEFAULT_MODULES_DIR;
    }
    Map<String, ModuleSource.Declaration> found = modules.modules(dir);
    ModuleSource once = ignored -> found;
    // The defaults pass lists every key, so environment names can be matched to keys exactly.
    BulwarkConfig defaults = BulwarkConfig.build(new JsonObject(), new Sources(), once);
    List<Key> known = new ArrayList<>(defaults.keys());
    known.addAll(defaults.formerNames());
    mergeEnvironment(merged, sources, env, known);
    return load(merged, sources, once);
  }

  /** Builds the config from merged JSON and rejects any key that no section declared. */
  static BulwarkConfig load(JsonObject merged, Sources sources, ModuleSource modules) throws ConfigException {
    BulwarkConfig config = BulwarkConfig.build(merged, sources, modules);
    config.checkBudgets();
    config.checkFileLimit();
    rejectUnknown(merged, "", config.keys(), sources);
    return config;
  }

  /**
   * Merges each {@code BULWARK_*} variable as a source of its own, so an error names the variable; maps
   * {@code BULWARK_HTTP_PORT} to {@code http.port}, and camel case keys also match with underscores.
   */
  static void mergeEnvironment(JsonObject merged, Sources sources, Map<String, String> env, List<Key> known)
      throws ConfigException {
    Map<String, String> byEnvName = new TreeMap<>();
    for (Key key : known) {
      if (!key.type().equals("section")) {
        byEnvName.put(envName(key.path(), false), key.path());
        byEnvName.put(envName(key.path(), true), key.path());
      }
    }
    Map<String, String> variableOf = new TreeMap<>();
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      if (!e.getKey().startsWith(ENV_PREFIX)) {
        continue;
      }
      String path = byEnvName.get(e.getKey());
      if (path == null) {
        renamedVariable(e.getKey());
        throw new ConfigException("unknown environment variable " + e.getKey() + ": it names no config key"
            + Suggestions.closest(e.getKey(), byEnvName.keySet()));
      }
      String other = variableOf.put(path, e.getKey());
      if (other != null) {
        // Both spellings of one key: which one wins would be an accident of ordering.
        throw new ConfigException(other + " and " + e.getKey() + " both set " + path + "; keep one");
      }
      JsonObject one = new JsonObject();
      putPath(one, path, e.getValue());
      sources.merge(merged, one, Sources.Origin.variable(e.getKey()), "");
    }
  }

  /** Throws, naming the new variable, when {@code name} sets a key that was renamed. */
  private static void renamedVariable(String name) throws ConfigException {
    for (Map.Entry<String, String> renamed : RENAMED.entrySet()) {
      String old = renamed.getKey();
      if (name.equals(envName(old, false)) || name.equals(envName(old, true))) {
        throw new ConfigException(name + " sets " + old + ", which was renamed " + renamed.getValue() + ": set "
            + envName(renamed.getValue(), true) + " instead");
      }
    }
  }

  static String envName(String path, boolean splitCamelCase) {
    String name = splitCamelCase ? path.replaceAll("([a-z0-9])([A-Z])", "$1_$2") : path;
    return ENV_PREFIX + name.replace('.', '_').toUpperCase(Locale.ROOT);
  }

  /** Puts {@code value} at the dotted {@code path} under {@code root}, making the objects on the way. */
  static void putPath(JsonObject root, String path, Object value) {
    String[] parts = path.split("\\.");
    JsonObject node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonObject child = node.getJsonObject(parts[i]);
      if (child == null) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = child;
    }
    node.put(parts[parts.length - 1], value);
  }

  private static void rejectUnknown(JsonObject json, String prefix, List<Key> keys, Sources sources)
      throws ConfigException {
    for (Map.Entry<String, Object> e : json) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      Key key = keys.stream().filter(k -> k.path().equals(path)).findFirst().orElse(null);
      if (key == null) {
        throw unknownKey(path, prefix, keys, sources);
      }
      if (key.type().equals("section") && e.getValue() instanceof JsonObject child) {
        rejectUnknown(child, path, keys, sources);
      }
    }
  }

  private static ConfigException unknownKey(String path, String prefix, List<Key> keys, Sources sources) {
    String from = sources.originOf(path);
    String origin = from == null ? "" : " (from " + from + ")";
    if (RENAMED.containsKey(path)) {
      return new ConfigException(path + origin + " was renamed " + RENAMED.get(path) + ": set that instead");
    }
    List<String> siblings = new ArrayList<>();
    for (Key k : keys) {
      String parent = k.path().contains(".") ? k.path().substring(0, k.path().lastIndexOf('.')) : "";
      if (parent.equals(prefix)) {
        siblings.add(k.path());
      }
    }
    return new ConfigException("unknown key " + path + origin + Suggestions.closest(path, siblings) + "; known keys"
        + (prefix.isEmpty() ? "" : " in " + prefix) + ": " + String.join(", ", siblings));
  }
}
