package dev.bulwark.stream;

/**
 * Whether an {@code Accept-Encoding} header lets an answer be gzip-coded, read as RFC 9110 12.5.3 says: a list of
 * codings, each a case-insensitive token with an optional weight {@code ;q=} (0 to 1, at most three decimals; 0 means
 * "not acceptable"). {@code x-gzip} is gzip (RFC 9110 8.4.1.3); {@code *} stands for any coding not listed. A token
 * is compared whole, so {@code nogzip} or {@code xgzip} is not gzip; an element whose weight is malformed is
 * ignored. No header, or an empty one, gets no gzip.
 */
final class AcceptEncoding {

  private static final int NOT_LISTED = -1;
  private static final int MALFORMED = -2;

  private AcceptEncoding() {
  }

  static boolean allowsGzip(String header) {
    if (header == null) {
      return false;
    }
    int gzip = NOT_LISTED;
    int any = NOT_LISTED;
    for (String element : header.split(",", -1)) {
      int semicolon = element.indexOf(';');
      String coding = HttpSyntax.stripOws(semicolon < 0 ? element : element.substring(0, semicolon));
      int weight = semicolon < 0 ? 1000 : weight(element.substring(semicolon + 1));
      if (weight == MALFORMED) {
        continue;
      }
      if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
        // Listed twice with different weights: a refusal wins, to never send what a client declined.
        gzip = gzip == NOT_LISTED ? weight : Math.min(gzip, weight);
      } else if (coding.equals("*")) {
        any = any == NOT_LISTED ? weight : Math.min(any, weight);
      }
    }
    return (gzip != NOT_LISTED ? gzip : any) > 0;
  }

  /** A weight {@code q=qvalue} (q in either case) in thousandths, or {@link #MALFORMED}. */
  private static int weight(String parameter) {
    String p = HttpSyntax.stripOws(parameter);
    if (p.length() < 3 || (p.charAt(0) != 'q' && p.charAt(0) != 'Q') || p.charAt(1) != '=') {
      return MALFORMED;
    }
    String value = p.substring(2);
    int dot = value.indexOf('.');
    String whole = dot < 0 ? value : value.substring(0, dot);
    String decimals = dot < 0 ? "" : value.substring(dot + 1);
    if (!(whole.equals("0") || whole.equals("1")) || decimals.length() > 3
        || (!decimals.isEmpty() && !HttpSyntax.digits(decimals))) {
      return MALFORMED;
    }
    int thousandths = (whole.charAt(0) - '0') * 1000 + Integer.parseInt((decimals + "000").substring(0, 3));
    return thousandths > 1000 ? MALFORMED : thousandths;
  }
}
