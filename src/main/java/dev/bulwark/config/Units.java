package dev.bulwark.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints the size and duration forms that config accepts: {@code 64KiB}, {@code 250ms}. */
final class Units {

  static final String SIZE_FORMS = "a size like 512, 64KiB, 16MiB or 1GiB";
  static final String DURATION_FORMS = "a duration like 250ms, 30s, 5m or 24h";

  private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KiB|MiB|GiB|TiB)?");
  private static final Pattern DURATION = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");
  private static final String[] SIZE_UNITS = {"TiB", "GiB", "MiB", "KiB"};
  private static final int[] SIZE_SHIFTS = {40, 30, 20, 10};

  private Units() {
  }

  /** Bytes for a size text, or -1 when the text is not a size or overflows. */
  static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      return -1;
    }
    try {
      long n = Long.parseLong(m.group(1));
      int shift = shiftOf(m.group(2));
      if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
        return -1;
      }
      return n << shift;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int shiftOf(String unit) {
    if (unit == null || unit.equals("B")) {
      return 0;
    }
    for (int i = 0; i < SIZE_UNITS.length; i++) {
      if (SIZE_UNITS[i].equals(unit)) {
        return SIZE_SHIFTS[i];
      }
    }
    throw new IllegalArgumentException(unit);
  }

  /** The shortest exact text for a byte count: 65536 prints as {@code 64KiB}, 1000 as {@code 1000}. */
  static String formatSize(long bytes) {
    for (int i = 0; i < SIZE_UNITS.length; i++) {
      long unit = 1L << SIZE_SHIFTS[i];
      if (bytes != 0 && bytes % unit == 0) {
        return (bytes / unit) + SIZE_UNITS[i];
      }
    }
    return Long.toString(bytes);
  }

  /** The duration for a text, or null when the text is not a duration. */
  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms": return Duration.ofMillis(n);
      case "s": return Duration.ofSeconds(n);
      case "m": return Duration.ofMinutes(n);
      case "h": return Duration.ofHours(n);
      default: return Duration.ofDays(n);
    }
  }

  /** The shortest exact text for a duration: 30 seconds print as {@code 30s}, 1500 ms as {@code 1500ms}. */
  static String formatDuration(Duration d) {
    long ms = d.toMillis();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1000L};
    String[] names = {"d", "h", "m", "s"};
    for (int i = 0; i < units.length; i++) {
      if (ms != 0 && ms % units[i] == 0) {
        return (ms / units[i]) + names[i];
      }
    }
    return ms + "ms";
  }
}
