package dev.bulwark.stream;

/**
 * One byte range of a file, read from a {@code Range} header as RFC 9110 14.1.1 and 14.2 say: a header that is not
 * the grammar is ignored (the whole file is sent, as the RFC allows for anything it cannot or will not serve), a
 * valid range that misses the file is {@link #UNSATISFIABLE} (416). Only digits make a position: no sign, no
 * spaces inside a range, no second range (several ranges would need a multipart answer; ignoring them is allowed).
 */
record ByteRange(long first, long last) {

  private static final String UNIT = "bytes";

  /** A syntactically valid range that selects no byte of the file. */
  static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

  /** The range {@code header} asks of a file of {@code size} bytes; null when there is none or it is not valid. */
  static ByteRange of(String header, long size) {
    int equals = header == null ? -1 : header.indexOf('=');
    // The range unit is a case-insensitive token; no space around the "=".
    if (equals != UNIT.length() || !header.regionMatches(true, 0, UNIT, 0, UNIT.length())) {
      return null;
    }
    String spec = HttpSyntax.stripOws(header.substring(equals + 1));
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf(',') >= 0) {
      return null;
    }
    String from = spec.substring(0, dash);
    String to = spec.substring(dash + 1);
    if (from.isEmpty()) {
      return HttpSyntax.digits(to) ? suffix(position(to), size) : null;
    }
    if (!HttpSyntax.digits(from) || (!to.isEmpty() && !HttpSyntax.digits(to))) {
      return null;
    }
    long first = position(from);
    long last = to.isEmpty() ? Long.MAX_VALUE : position(to);
    if (last < first) {
      return null; // "5-3" is invalid, not unsatisfiable (RFC 9110 14.1.1)
    }
    return first >= size ? UNSATISFIABLE : new ByteRange(first, Math.min(last, size - 1));
  }

  /** The last {@code length} bytes: satisfiable only when both the suffix and the file are not empty. */
  private static ByteRange suffix(long length, long size) {
    return length == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - length), size - 1);
  }

  boolean satisfiable() {
    return this != UNSATISFIABLE;
  }

  long length() {
    return last - first + 1;
  }

  /** The value of ASCII digits, saturated at {@code Long.MAX_VALUE}: a position past any file is still valid. */
  private static long position(String digits) {
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(i) - '0';
      if (value > (Long.MAX_VALUE - d) / 10) {
        return Long.MAX_VALUE;
      }
      value = value * 10 + d;
    }
    return value;
  }
}
