package dev.bulwark.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * The config in force as {@code GET /admin/config} shows it, {@code {"config":{...},"sources":{"<key>":"<source>"}}}:
 * the values nested as in a config file and, for every key, where its value came from ({@code default},
 * {@code file:<absolute path>}, {@code env:<variable>}). No secret is ever in it: keys declared secret, and keys
 * named like one (token, password, secret, passphrase, credential, private key), show as {@code ****} when set; a
 * password in any URL (the {@code redis://user:pass@host} form) shows as {@code ****} with the rest of the URL, and
 * the query of a secret URL is masked too.
 */
public final class EffectiveConfig {

  /** What a secret that is set shows as; an empty one stays empty, so "not set" still reads as such. */
  public static final String MASK = "****";

  /** Key names that hold a secret even where a section did not declare it so; paths to such things do not. */
  private static final Pattern SECRET_NAME = Pattern.compile(
      "(?i).*(token|password|passwd|passphrase|secret|credential|privatekey|apikey).*");
  private static final Pattern PATH_NAME = Pattern.compile("(?i).*(file|dir|path)$");
  /** A URL's scheme, at the very start: a secret that merely contains "://" is masked whole. */
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://");

  private EffectiveConfig() {
  }

  /** The document for {@code config}: computed once at start, the config never changes after. */
  public static JsonObject of(BulwarkConfig config) {
    JsonObject values = new JsonObject();
    JsonObject sources = new JsonObject();
    for (Key key : config.keys()) {
      if (!key.type().equals("section")) { // a section shows through its keys
        String name = key.path().substring(key.path().lastIndexOf('.') + 1);
        ConfigLoader.putPath(values, key.path(), shown(key.value(), key.secret() || secretName(name)));
        sources.put(key.path(), key.source());
      }
    }
    return new JsonObject().put("config", values).put("sources", sources);
  }

  static boolean secretName(String name) {
    return SECRET_NAME.matcher(name).matches() && !PATH_NAME.matcher(name).matches();
  }

  /** {@code value} as it may be shown: see the class comment. */
  static Object shown(Object value, boolean secret) {
    if (value instanceof String s) {
      return shownString(s, secret);
    }
    if (value instanceof JsonArray array) {
      JsonArray out = new JsonArray();
      array.forEach(item -> out.add(item instanceof String s ? shownString(s, secret) : item));
      return out;
    }
    return value;
  }

  private static String shownString(String s, boolean secret) {
    if (s.isEmpty()) {
      return s;
    }
    java.util.regex.Matcher scheme = SCHEME.matcher(s);
    if (!scheme.find()) {
      return secret ? MASK : s;
    }
    String url = withoutPassword(s, scheme.end());
    int query = url.indexOf('?');
    return secret && query >= 0 ? url.substring(0, query + 1) + MASK : url;
  }

  /**
   * The URL with the password of its user information masked ({@code user:****@host}), or all of it when there is no
   * {@code :} ({@code ****@host}: some clients take a lone name as the password). The last {@code @} ends it, so a
   * password holding an unescaped {@code @} is masked whole; masking too much is the safe mistake.
   */
  private static String withoutPassword(String url, int start) {
    int at = url.lastIndexOf('@');
    if (at < start) {
      return url;
    }
    String userInfo = url.substring(start, at);
    int colon = userInfo.indexOf(':');
    String masked = colon >= 0 ? userInfo.substring(0, colon + 1) + MASK : MASK;
    return url.substring(0, start) + masked + url.substring(at);
  }
}
