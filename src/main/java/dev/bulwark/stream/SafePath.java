package dev.bulwark.stream;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Resolves a client-supplied relative path under a root so that it cannot leave it: {@code ..} and {@code .}
 * segments, backslashes, NUL, colons, absolute paths and empty segments are refused outright, and the real path
 * (symlinks followed) must still be under the real root. Blocking file-system work: call it on a worker thread.
 */
public final class SafePath {

  /** A regular file found under the root. */
  public record Found(Path path, long size, long lastModifiedMillis) {
  }

  private SafePath() {
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
}
