package dev.bulwark.session;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;

/**
 * Options of the bounded local session store and the session cookie. A new object holds the defaults; every setter
 * rejects a value outside its range with an {@link IllegalArgumentException} naming the field.
 */
public final class SessionOptions {

  public static final int DEFAULT_MAX_SESSIONS = 100_000;
  public static final int MIN_MAX_SESSIONS = 1;
  public static final int MAX_MAX_SESSIONS = 100_000_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MAX_TIMEOUT = Duration.ofDays(30);
  public static final String DEFAULT_COOKIE_NAME = "bulwark.session";
  /** What a cookie name may look like. */
  public static final String COOKIE_NAME_PATTERN = "[A-Za-z0-9._-]{1,64}";
  public static final boolean DEFAULT_COOKIE_SECURE = false;
  public static final List<String> SAME_SITE = List.of("Strict", "Lax", "None");
  public static final String DEFAULT_SAME_SITE = "Lax";
  public static final long DEFAULT_MAX_VALUE_SIZE = 4L << 10;
  public static final long MIN_MAX_VALUE_SIZE = 1;
  public static final long MAX_MAX_VALUE_SIZE = 1L << 20;
  public static final int DEFAULT_MAX_KEYS = 32;
  public static final int MIN_MAX_KEYS = 1;
  public static final int MAX_MAX_KEYS = 10_000;
  public static final long DEFAULT_MAX_BYTES = 16L << 20;
  public static final long MIN_MAX_BYTES = 1L << 10;
  public static final long MAX_MAX_BYTES = 1L << 40;

  private int maxSessions = DEFAULT_MAX_SESSIONS;
  private Duration timeout = DEFAULT_TIMEOUT;
  private String cookieName = DEFAULT_COOKIE_NAME;
  private boolean cookieSecure = DEFAULT_COOKIE_SECURE;
  private String sameSite = DEFAULT_SAME_SITE;
  private long maxValueSize = DEFAULT_MAX_VALUE_SIZE;
  private int maxKeys = DEFAULT_MAX_KEYS;
  private long maxBytes = DEFAULT_MAX_BYTES;

  /** The defaults. */
  public SessionOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public SessionOptions(SessionOptions other) {
    maxSessions = other.maxSessions;
    timeout = other.timeout;
    cookieName = other.cookieName;
    cookieSecure = other.cookieSecure;
    sameSite = other.sameSite;
    maxValueSize = other.maxValueSize;
    maxKeys = other.maxKeys;
    maxBytes = other.maxBytes;
  }

  public int maxSessions() {
    return maxSessions;
  }

  public SessionOptions setMaxSessions(int maxSessions) {
    this.maxSessions = (int) Ranges.of("maxSessions", maxSessions, MIN_MAX_SESSIONS, MAX_MAX_SESSIONS);
    return this;
  }

  public Duration timeout() {
    return timeout;
  }

  public SessionOptions setTimeout(Duration timeout) {
    if (timeout == null || timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout = " + timeout + ": expected " + MIN_TIMEOUT + " to " + MAX_TIMEOUT);
    }
    this.timeout = timeout;
    return this;
  }

  public String cookieName() {
    return cookieName;
  }

  /** 1 to 64 of A-Z a-z 0-9 . _ - ({@link #COOKIE_NAME_PATTERN}). */
  public SessionOptions setCookieName(String cookieName) {
    if (cookieName == null || !cookieName.matches(COOKIE_NAME_PATTERN)) {
      throw new IllegalArgumentException("cookieName = " + cookieName + ": expected " + COOKIE_NAME_PATTERN);
    }
    this.cookieName = cookieName;
    return this;
  }

  public boolean cookieSecure() {
    return cookieSecure;
  }

  public SessionOptions setCookieSecure(boolean cookieSecure) {
    this.cookieSecure = cookieSecure;
    return this;
  }

  /** One of {@link #SAME_SITE}. */
  public String sameSite() {
    return sameSite;
  }

  /** One of {@link #SAME_SITE}, in any case; kept as listed there. */
  public SessionOptions setSameSite(String sameSite) {
    for (String known : SAME_SITE) {
      if (known.equalsIgnoreCase(sameSite)) {
        this.sameSite = known;
        return this;
      }
    }
    throw new IllegalArgumentException("sameSite = " + sameSite + ": expected one of " + String.join(", ", SAME_SITE));
  }

  public long maxValueSize() {
    return maxValueSize;
  }

  public SessionOptions setMaxValueSize(long maxValueSize) {
    this.maxValueSize = Ranges.of("maxValueSize", maxValueSize, MIN_MAX_VALUE_SIZE, MAX_MAX_VALUE_SIZE);
    return this;
  }

  public int maxKeys() {
    return maxKeys;
  }

  public SessionOptions setMaxKeys(int maxKeys) {
    this.maxKeys = (int) Ranges.of("maxKeys", maxKeys, MIN_MAX_KEYS, MAX_MAX_KEYS);
    return this;
  }

  public long maxBytes() {
    return maxBytes;
  }

  public SessionOptions setMaxBytes(long maxBytes) {
    this.maxBytes = Ranges.of("maxBytes", maxBytes, MIN_MAX_BYTES, MAX_MAX_BYTES);
    return this;
  }

  /** These options under the keys of the {@code sessions} config section, in forms the config accepts. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("maxSessions", maxSessions)
        .put("timeout", timeout.toMillis() + "ms")
        .put("cookieName", cookieName)
        .put("cookieSecure", cookieSecure)
        .put("sameSite", sameSite)
        .put("maxValueSize", maxValueSize)
        .put("maxKeys", maxKeys)
        .put("maxBytes", maxBytes);
  }
}
