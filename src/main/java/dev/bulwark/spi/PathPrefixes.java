package dev.bulwark.spi;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * A fixed set of path prefixes matched on whole path segments: {@code /uploads} matches {@code /uploads} and
 * {@code /uploads/x}, never {@code /uploadsX} or {@code /uploads-archive}. Immutable; matching allocates nothing.
 */
public final class PathPrefixes {

  private static final PathPrefixes NONE = new PathPrefixes(new String[0], new long[0]);

  private final String[] prefixes;
  private final long[] values;

  private PathPrefixes(String[] prefixes, long[] values) {
    this.prefixes = prefixes;
    this.values = values;
  }

  public static PathPrefixes none() {
    return NONE;
  }

  public static PathPrefixes of(Collection<String> prefixes) {
    Builder builder = new Builder();
    prefixes.forEach(p -> builder.add(p, 0));
    return builder.build();
  }

  /** Checks and normalizes a prefix: it starts with {@code /}; a trailing {@code /} is dropped. */
  public static String normalize(String prefix) {
    if (prefix == null || prefix.isEmpty() || prefix.charAt(0) != '/') {
      throw new IllegalArgumentException("a path prefix starts with '/': " + prefix);
    }
    String p = prefix;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /**
   * True for a prefix that {@link #normalize} accepts and that leaves some paths out: {@code /} (or {@code //}) covers
   * every path, so as a critical route it would silently turn shedding off.
   */
  public static boolean narrowerThanRoot(String prefix) {
    return prefix != null && prefix.startsWith("/") && !normalize(prefix).equals("/");
  }

  /** True when {@code path} is one of the prefixes or lies under one. */
  public boolean matches(String path) {
    return indexOf(path) >= 0;
  }

  /** The value given with the first prefix {@code path} lies under, or {@code otherwise}. */
  public long valueOf(String path, long otherwise) {
    int i = indexOf(path);
    return i < 0 ? otherwise : values[i];
  }

  public List<String> prefixes() {
    return List.of(prefixes);
  }

  private int indexOf(String path) {
    if (path == null) {
      return -1;
    }
    for (int i = 0; i < prefixes.length; i++) {
      String p = prefixes[i];
      if (path.startsWith(p) && (p.length() == 1 || path.length() == p.length() || path.charAt(p.length()) == '/')) {
        return i;
      }
    }
    return -1;
  }

  /** Collects prefixes (each with a value, such as a byte limit) in the order given. */
  public static final class Builder {
    private final List<String> prefixes = new ArrayList<>();
    private final List<Long> values = new ArrayList<>();

    public Builder add(String prefix, long value) {
      prefixes.add(normalize(prefix));
      values.add(value);
      return this;
    }

    public PathPrefixes build() {
      if (prefixes.isEmpty()) {
        return NONE;
      }
      return new PathPrefixes(prefixes.toArray(String[]::new), values.stream().mapToLong(Long::longValue).toArray());
    }
  }
}
