package dev.bulwark.server;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Options of Bulwark's logging: format, level and the optional access log. A new object holds the defaults; a level
 * outside {@link #LEVELS} is rejected with an {@link IllegalArgumentException}.
 */
public final class LoggingOptions {

  public static final boolean DEFAULT_JSON = false;
  public static final String DEFAULT_LEVEL = "INFO";
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
  public static final boolean DEFAULT_ACCESS_LOG = false;

  private boolean json = DEFAULT_JSON;
  private String level = DEFAULT_LEVEL;
  private boolean accessLog = DEFAULT_ACCESS_LOG;

  /** The defaults. */
  public LoggingOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public LoggingOptions(LoggingOptions other) {
    json = other.json;
    level = other.level;
    accessLog = other.accessLog;
  }

  public boolean json() {
    return json;
  }

  public LoggingOptions setJson(boolean json) {
    this.json = json;
    return this;
  }

  /** One of {@link #LEVELS}. */
  public String level() {
    return level;
  }

  /** One of {@link #LEVELS}, in any case; kept as listed there. */
  public LoggingOptions setLevel(String level) {
    for (String known : LEVELS) {
      if (known.equalsIgnoreCase(level)) {
        this.level = known;
        return this;
      }
    }
    throw new IllegalArgumentException("level = " + level + ": expected one of " + String.join(", ", LEVELS));
  }

  public boolean accessLog() {
    return accessLog;
  }

  public LoggingOptions setAccessLog(boolean accessLog) {
    this.accessLog = accessLog;
    return this;
  }

  /** These options under the keys of the {@code logging} config section. */
  public JsonObject toJson() {
    return new JsonObject().put("json", json).put("level", level).put("accessLog", accessLog);
  }
}
