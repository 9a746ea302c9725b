package dev.bulwark.stream;

import io.vertx.core.json.JsonObject;

/**
 * Options of the file route ({@code GET /files/...}) and the streamed data route ({@code GET /data/items}). A new
 * object holds the defaults; every setter rejects a value outside its range with an {@link IllegalArgumentException}
 * naming the field.
 */
public final class FilesOptions {

  public static final String DEFAULT_ROOT = "public";
  public static final boolean DEFAULT_COMPRESS = true;
  public static final long DEFAULT_COMPRESS_MAX_SIZE = 8L << 20;
  public static final long MIN_COMPRESS_MAX_SIZE = 0;
  public static final long MAX_COMPRESS_MAX_SIZE = 1L << 40;
  public static final int DEFAULT_MAX_DATA_COUNT = 10_000_000;
  public static final int MIN_MAX_DATA_COUNT = 0;
  public static final int MAX_MAX_DATA_COUNT = Integer.MAX_VALUE;

  private String root = DEFAULT_ROOT;
  private boolean compress = DEFAULT_COMPRESS;
  private long compressMaxSize = DEFAULT_COMPRESS_MAX_SIZE;
  private int maxDataCount = DEFAULT_MAX_DATA_COUNT;

  /** The defaults. */
  public FilesOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public FilesOptions(FilesOptions other) {
    root = other.root;
    compress = other.compress;
    compressMaxSize = other.compressMaxSize;
    maxDataCount = other.maxDataCount;
  }

  public String root() {
    return root;
  }

  public FilesOptions setRoot(String root) {
    if (root == null) {
      throw new IllegalArgumentException("root = null: expected a directory");
    }
    this.root = root;
    return this;
  }

  public boolean compress() {
    return compress;
  }

  public FilesOptions setCompress(boolean compress) {
    this.compress = compress;
    return this;
  }

  public long compressMaxSize() {
    return compressMaxSize;
  }

  public FilesOptions setCompressMaxSize(long compressMaxSize) {
    if (compressMaxSize < MIN_COMPRESS_MAX_SIZE || compressMaxSize > MAX_COMPRESS_MAX_SIZE) {
      throw new IllegalArgumentException("compressMaxSize = " + compressMaxSize + ": expected "
          + MIN_COMPRESS_MAX_SIZE + " to " + MAX_COMPRESS_MAX_SIZE);
    }
    this.compressMaxSize = compressMaxSize;
    return this;
  }

  public int maxDataCount() {
    return maxDataCount;
  }

  public FilesOptions setMaxDataCount(int maxDataCount) {
    if (maxDataCount < MIN_MAX_DATA_COUNT) {
      throw new IllegalArgumentException("maxDataCount = " + maxDataCount + ": expected " + MIN_MAX_DATA_COUNT
          + " to " + MAX_MAX_DATA_COUNT);
    }
    this.maxDataCount = maxDataCount;
    return this;
  }

  /** The file options under the keys of the {@code files} config section, the data route's under {@code data}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("root", root)
        .put("compress", compress)
        .put("compressMaxSize", compressMaxSize)
        .put("data", new JsonObject().put("maxCount", maxDataCount));
  }
}
