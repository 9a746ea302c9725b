package dev.bulwark.config;

import java.util.List;

/**
 * One config key as the section readers declare it: its dotted path, its type, its default and its meaning, and the
 * value in force with where it came from ({@code source}: {@code default}, {@code file:<absolute path>},
 * {@code env:<variable>} or {@code json} for a config made in code). The list of keys is the single source for
 * {@code --print-config}, {@code /admin/config}, the README table and the check that rejects unknown keys.
 */
public record Key(String path, String type, Object defaultValue, Object value, boolean secret, String meaning,
    String source) {

  /** The type of a former name still accepted for a key (its value names the key): never listed or printed. */
  static final String RENAMED = "renamed";

  /** The value as {@code --print-config} shows it: secrets that are set print as {@code "****"}. */
  Object shownValue() {
    if (secret && value instanceof String s && !s.isEmpty()) {
      return EffectiveConfig.MASK;
    }
    return value;
  }

  /**
   * The environment variables that set the key at {@code path}: {@code BULWARK_HTTP_MAXBODYSIZE} and, for a camel-case
   * name, {@code BULWARK_HTTP_MAX_BODY_SIZE} (setting both is refused).
   */
  public static List<String> envNames(String path) {
    return List.of(ConfigLoader.envName(path, false), ConfigLoader.envName(path, true));
  }

  /** One row of the README's config table. */
  public String markdownRow() {
    String shown = defaultValue instanceof String s ? (s.isEmpty() ? "(none)" : s) : String.valueOf(defaultValue);
    return "| `" + path + "` | " + type + " | `" + shown + "` | " + meaning + " |";
  }
}
