package dev.bulwark.admin;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.bulwark.spi.ApiError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.slf4j.LoggerFactory;

/**
 * Logback's logger levels by name, read and set at run time. Only loggers that exist can be read or set (a logger
 * exists once code has asked for it, or for a logger below it): a name is never created here, so no number of requests
 * can grow Logback's table of loggers. Names are checked against a pattern and {@code admin.maxLoggerNameLength}.
 */
final class LoggerLevels {

  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(LoggerLevels.class);

  /** The levels a logger can be set to, quietest first. */
  static final List<String> LEVELS = List.of("OFF", "ERROR", "WARN", "INFO", "DEBUG", "TRACE");
  /** Dotted Java-like names: letters, digits, {@code _ $ -}, one dot between parts. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_$-]+(\\.[A-Za-z0-9_$-]+)*");
  private static final ApiError UNSUPPORTED = new ApiError(501, "loggers_unsupported",
      "Logger levels can be changed only when SLF4J logs through Logback.");

  private final LoggerContext context;
  private final int maxNameLength;

  /** {@code context} is null when SLF4J is bound to another backend: every call then fails with 501. */
  LoggerLevels(LoggerContext context, int maxNameLength) {
    this.context = context;
    this.maxNameLength = maxNameLength;
  }

  /** The levels of the process's Logback, if that is SLF4J's backend. */
  static LoggerLevels ofProcess(int maxNameLength) {
    return new LoggerLevels(LoggerFactory.getILoggerFactory() instanceof LoggerContext c ? c : null, maxNameLength);
  }

  /** {@code {"levels":[...],"loggers":[...]}}: every logger whose level is set, by name. */
  JsonObject configured() {
    JsonArray loggers = new JsonArray();
    for (Logger logger : context().getLoggerList()) {
      if (logger.getLevel() != null) {
        loggers.add(toJson(logger));
      }
    }
    return new JsonObject().put("levels", new JsonArray(LEVELS)).put("loggers", loggers);
  }

  /** {@code {"name","configuredLevel","effectiveLevel"}}; {@code configuredLevel} is null when inherited. */
  JsonObject describe(String name) {
    return toJson(existing(name));
  }

  /** Sets {@code level} (one of {@link #LEVELS}, any case), or with null or "" lets the logger inherit again. */
  JsonObject set(String name, String level) {
    Logger logger = existing(name);
    Level wanted = parse(level);
    if (wanted == null && logger.getName().equals(Logger.ROOT_LOGGER_NAME)) {
      throw new ApiError(400, "bad_level", "The root logger cannot inherit: give it one of " + LEVELS + ".");
    }
    Level before = logger.getLevel();
    logger.setLevel(wanted);
    LOG.info("Logger {} set to {} through the admin port (was {})", logger.getName(), wanted == null ? "inherited"
        : wanted, before == null ? "inherited" : before);
    return toJson(logger);
  }

  private static Level parse(String level) {
    if (level == null || level.isEmpty()) {
      return null;
    }
    String upper = level.toUpperCase(Locale.ROOT);
    if (!LEVELS.contains(upper)) {
      throw new ApiError(400, "bad_level", "The level must be one of " + LEVELS + ", or null to inherit.");
    }
    return Level.toLevel(upper);
  }

  private Logger existing(String name) {
    LoggerContext logback = context();
    if (name == null || name.length() > maxNameLength || !NAME.matcher(name).matches()) {
      throw new ApiError(400, "bad_logger", "A logger name is ROOT or a dotted name such as dev.bulwark, of at most "
          + maxNameLength + " characters (admin.maxLoggerNameLength).");
    }
    Logger logger = logback.exists(name.equalsIgnoreCase(Logger.ROOT_LOGGER_NAME) ? Logger.ROOT_LOGGER_NAME : name);
    if (logger == null) {
      throw new ApiError(404, "unknown_logger", "No logger is named " + name + " yet: a logger exists once code "
          + "logs through it or through a logger below it.");
    }
    return logger;
  }

  private LoggerContext context() {
    if (context == null) {
      throw UNSUPPORTED;
    }
    return context;
  }

  private static JsonObject toJson(Logger logger) {
    return new JsonObject()
        .put("name", logger.getName())
        .put("configuredLevel", logger.getLevel() == null ? null : logger.getLevel().toString())
        .put("effectiveLevel", logger.getEffectiveLevel().toString());
  }
}
