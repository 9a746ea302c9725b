package dev.bulwark.session;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.time.Duration;
import java.util.List;

/** The {@code sessions} section: the bounded local session store and the session cookie. */
public final class SessionOptions {

  public static final int DEFAULT_MAX_SESSIONS = 100_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final String DEFAULT_COOKIE_NAME = "bulwark.session";
  public static final long DEFAULT_MAX_BYTES = 16L << 20;
  public static final List<String> SAME_SITE = List.of("Strict", "Lax", "None");

  private final int maxSessions;
  private final Duration timeout;
  private final String cookieName;
  private final boolean cookieSecure;
  private final String sameSite;
  private final long maxValueSize;
  private final int maxKeys;
  private final long maxBytes;

  public SessionOptions(Section s) throws ConfigException {
    maxSessions = s.integer("maxSessions", DEFAULT_MAX_SESSIONS, 1, 100_000_000,
        "Sessions the local store holds; past it, the least valuable (one-hit first) are evicted.");
    timeout = s.duration("timeout", DEFAULT_TIMEOUT, Duration.ofSeconds(1), Duration.ofDays(30),
        "A session unused this long expires.");
    cookieName = s.string("cookieName", DEFAULT_COOKIE_NAME, "Name of the session cookie (always HttpOnly).");
    cookieSecure = s.bool("cookieSecure", false, "Marks the session cookie Secure (set it when served over HTTPS).");
    sameSite = s.choice("sameSite", "Lax", SAME_SITE, "SameSite attribute of the session cookie.");
    maxValueSize = s.size("maxValueSize", 4L << 10, 1, 1L << 20,
        "Largest value `PUT /session/data/{key}` stores; larger: 413 `value_too_large`.");
    maxKeys = s.integer("maxKeys", 32, 1, 10_000, "Most data keys one session holds; more: 413 `value_too_large`.");
    maxBytes = s.size("maxBytes", DEFAULT_MAX_BYTES, 1L << 10, 1L << 40,
        "Bytes the local session store holds (keys and values, estimated); past it the least valuable sessions are "
            + "evicted; shrinks to `cache.elevatedFraction` of it at ELEVATED memory pressure.");
    if (!cookieName.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException("sessions.cookieName = \"" + cookieName + "\": expected 1 to 64 of A-Z a-z 0-9 . _ -");
    }
  }

  public int maxSessions() {
    return maxSessions;
  }

  public Duration timeout() {
    return timeout;
  }

  public String cookieName() {
    return cookieName;
  }

  public boolean cookieSecure() {
    return cookieSecure;
  }

  public String sameSite() {
    return sameSite;
  }

  public long maxValueSize() {
    return maxValueSize;
  }

  public int maxKeys() {
    return maxKeys;
  }

  public long maxBytes() {
    return maxBytes;
  }
}
