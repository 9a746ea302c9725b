package dev.bulwark.stream;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;

/** The {@code files} section ({@code GET /files/...}) and the {@code data} section ({@code GET /data/items}). */
public final class FilesOptions {

  private final String root;
  private final boolean compress;
  private final long compressMaxSize;
  private final int maxDataCount;

  public FilesOptions(Section files, Section data) throws ConfigException {
    root = files.string("root", "public", "Directory served by `GET /files/{path}`; nothing outside it is ever served.");
    compress = files.bool("compress", true,
        "Gzip files whose type compresses when the client accepts it (streamed; never for Range requests).");
    compressMaxSize = files.size("compressMaxSize", 8L << 20, 0, 1L << 40,
        "Larger files are sent as they are, zero-copy, rather than compressed.");
    maxDataCount = data.integer("maxCount", 10_000_000, 0, Integer.MAX_VALUE,
        "Largest `count` of `GET /data/items`; more: 400 `bad_count`.");
  }

  public String root() {
    return root;
  }

  public boolean compress() {
    return compress;
  }

  public long compressMaxSize() {
    return compressMaxSize;
  }

  public int maxDataCount() {
    return maxDataCount;
  }
}
