package dev.bulwark.routes;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Keys taken from a request's raw path, decoded as bytes and accepted only when they are valid UTF-8. The usual
 * decoding turns every malformed sequence into U+FFFD, so {@code x%FF} and {@code x%FE} became one key; here they are
 * refused, and two different valid keys always stay two different strings.
 */
final class PathKeys {

  private PathKeys() {
  }

  /** The last segment of the raw {@code path}, percent-decoded, or null when it is not valid percent-encoded UTF-8. */
  static String lastSegment(String rawPath) {
    int slash = rawPath.lastIndexOf('/');
    return decode(slash < 0 ? rawPath : rawPath.substring(slash + 1));
  }

  /** {@code raw} percent-decoded as UTF-8, or null when an escape is malformed or the bytes are not UTF-8. */
  static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        if (i + 2 >= raw.length()) {
          return null;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        bytes.write(hi * 16 + lo);
        i += 2;
      } else if (c < 0x80) {
        bytes.write(c);
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      CharBuffer chars = utf8.decode(ByteBuffer.wrap(bytes.toByteArray()));
      return chars.toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
