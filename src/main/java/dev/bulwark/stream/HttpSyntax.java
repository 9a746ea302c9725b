package dev.bulwark.stream;

/** The bits of RFC 9110's header grammar that Range and Accept-Encoding share, read strictly. */
final class HttpSyntax {

  private HttpSyntax() {
  }

  /** {@code s} without optional white space (spaces and tabs) at either end; nothing else is trimmed. */
  static String stripOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && isOws(s.charAt(start))) {
      start++;
    }
    while (end > start && isOws(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** One or more ASCII digits and nothing else ({@code Long.parseLong} also takes a sign and other scripts' digits). */
  static boolean digits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
