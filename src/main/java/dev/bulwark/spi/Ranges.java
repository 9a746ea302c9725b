package dev.bulwark.spi;

import java.time.Duration;

/**
 * The one check every options setter makes: a value within its documented range, or an
 * {@link IllegalArgumentException} that names the field, the value and what is allowed
 * ({@code "maxTimers = 0: expected 1 to 100000"}), so an options object is never left holding a bad value. For module
 * authors' own options too.
 */
public final class Ranges {

  private Ranges() {
  }

  public static int of(String field, int value, int min, int max) {
    check(value >= min && value <= max, field, value, min + " to " + max);
    return value;
  }

  public static long of(String field, long value, long min, long max) {
    check(value >= min && value <= max, field, value, min + " to " + max);
    return value;
  }

  /** NaN is never within a range. */
  public static double of(String field, double value, double min, double max) {
    check(value >= min && value <= max, field, value, min + " to " + max);
    return value;
  }

  /** Null is never within a range. */
  public static Duration of(String field, Duration value, Duration min, Duration max) {
    check(value != null && value.compareTo(min) >= 0 && value.compareTo(max) <= 0, field, value, min + " to " + max);
    return value;
  }

  /** Throws unless {@code valid}, saying {@code field = value: expected allowed}. */
  public static void check(boolean valid, String field, Object value, String allowed) {
    if (!valid) {
      throw new IllegalArgumentException(field + " = " + value + ": expected " + allowed);
    }
  }
}
