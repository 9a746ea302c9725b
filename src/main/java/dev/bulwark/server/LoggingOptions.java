package dev.bulwark.server;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.util.List;

/** The {@code logging} section: format, level and the optional access log. */
public final class LoggingOptions {

  public static final boolean DEFAULT_JSON = false;
  public static final String DEFAULT_LEVEL = "INFO";
  public static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
  public static final boolean DEFAULT_ACCESS_LOG = false;

  private final boolean json;
  private final String level;
  private final boolean accessLog;

  public LoggingOptions(Section s) throws ConfigException {
    json = s.bool("json", DEFAULT_JSON, "One JSON object per log line instead of plain text.");
    level = s.choice("level", DEFAULT_LEVEL, LEVELS, "Level of Bulwark's own loggers.");
    accessLog = s.bool("accessLog", DEFAULT_ACCESS_LOG, "Logs one line per request (off: no per-request logging).");
  }

  public boolean json() {
    return json;
  }

  public String level() {
    return level;
  }

  public boolean accessLog() {
    return accessLog;
  }
}
