package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.StringJoiner;

/**
 * Resolves a client-supplied relative path under a root so that it cannot leave it. {@link #decode} turns the path
 * of a request into a name once, strictly; {@link #resolve} then refuses {@code ..} and {@code .} segments,
 * backslashes, NUL, colons, absolute paths and empty segments outright, and the real path (symlinks followed) must
 * still be under the real root. Resolving is blocking file-system work: call it on a worker thread.
 */
public final class SafePath {

  /** The answer to a path that is not percent-encoded UTF-8: the same code the server gives a broken escape. */
  private static final ApiError BAD_PATH = new ApiError(400, "bad_path",
      "The path is not percent-encoded UTF-8 (% must be followed by two hexadecimal digits).");

  /** A regular file found under the root. */
  public record Found(Path path, long size, long lastModifiedMillis) {
  }

  private SafePath() {
  }

  /**
   * The relative name in {@code encoded} (a request path below its route's prefix), percent-decoded exactly once as
   * UTF-8, segment by segment; null when a segment decodes to a {@code /} (RFC 3986: an escaped slash is part of a
   * name, not a separator, and no file name holds one). Characters the request line carried as raw bytes (up to
   * U+00FF, as the HTTP decoder reads them) count as those bytes, so a UTF-8 name sent unencoded is found too.
   *
   * @throws ApiError 400 {@code bad_path} (as the server answers a broken escape anywhere) for a malformed escape
   *     or bytes that are not UTF-8 (overlong forms and encoded surrogates included)
   */
  public static String decode(String encoded) {
    StringJoiner name = new StringJoiner("/");
    for (String segment : encoded.split("/", -1)) {
      String decoded = decodeSegment(segment);
      if (decoded.indexOf('/') >= 0) {
        return null;
      }
      name.add(decoded);
    }
    return name.toString();
  }

  private static String decodeSegment(String segment) {
    byte[] bytes = new byte[segment.length()];
    int n = 0;
    boolean plain = true;
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        int high = i + 2 < segment.length() ? hex(segment.charAt(i + 1)) : -1;
        int low = high < 0 ? -1 : hex(segment.charAt(i + 2));
        if (low < 0) {
          throw BAD_PATH;
        }
        c = (char) (high << 4 | low);
        i += 2;
        plain = false;
      } else if (c > 0xFF) {
        throw BAD_PATH;
      }
      plain &= c < 0x80;
      bytes[n++] = (byte) c;
    }
    if (plain) {
      return segment;
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes, 0, n)).toString();
    } catch (CharacterCodingException e) {
      throw BAD_PATH;
    }
  }

  /** The value of an ASCII hexadecimal digit, or -1 ({@code Character.digit} also takes other scripts' digits). */
  private static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  /** The regular file at {@code relative} under {@code root}, or null when there is none or it would leave the root. */
  public static Found resolve(Path root, String relative) {
    if (relative == null || relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\\') >= 0
        || relative.indexOf('\0') >= 0 || relative.indexOf(':') >= 0) {
      return null;
    }
    for (String segment : relative.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return null;
      }
    }
    try {
      Path realRoot = root.toRealPath();
      Path real = realRoot.resolve(relative).toRealPath();
      if (!real.startsWith(realRoot)) {
        return null; // a symlink that points outside the root
      }
      BasicFileAttributes attrs = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attrs.isRegularFile()) {
        return null;
      }
      return new Found(real, attrs.size(), attrs.lastModifiedTime().toMillis());
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Why nothing under {@code root} can be served: "does not exist", "is not a directory" or "is not readable"; null
   * when it is a readable directory. Blocking: for a check at start, on a worker thread.
   */
  public static String unservable(Path root) {
    if (!Files.exists(root)) {
      return "does not exist";
    }
    if (!Files.isDirectory(root)) {
      return "is not a directory";
    }
    return Files.isReadable(root) && Files.isExecutable(root) ? null : "is not readable";
  }
}
