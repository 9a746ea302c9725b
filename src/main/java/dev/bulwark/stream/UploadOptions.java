package dev.bulwark.stream;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;

/**
 * Options of uploads: where they are streamed and how much one request may bring. A new object holds the defaults;
 * every setter rejects a value outside its range with an {@link IllegalArgumentException} naming the field.
 */
public final class UploadOptions {

  public static final String DEFAULT_DIR = "var/uploads";
  public static final long DEFAULT_MAX_FILE_SIZE = 2L << 30;
  public static final long DEFAULT_MAX_REQUEST_SIZE = 2L << 30;
  /** The least and the most a file or request size limit may be set to. */
  public static final long MIN_SIZE_LIMIT = 1;
  public static final long MAX_SIZE_LIMIT = 1L << 40;
  public static final int DEFAULT_MAX_FILES = 10;
  public static final int MIN_MAX_FILES = 1;
  public static final int MAX_MAX_FILES = 10_000;
  /** Form fields besides the files: each is held in memory (at most maxFieldSize) until its request ends. */
  public static final int DEFAULT_MAX_FIELDS = 32;
  public static final int MIN_MAX_FIELDS = 0;
  public static final int MAX_MAX_FIELDS = 10_000;
  public static final int DEFAULT_MAX_FIELD_SIZE = 8 << 10;
  public static final int MIN_MAX_FIELD_SIZE = 1;
  public static final int MAX_MAX_FIELD_SIZE = 16 << 20;
  public static final long DEFAULT_MIN_FREE_DISK = 100L << 20;
  public static final long MIN_MIN_FREE_DISK = 0;
  public static final long MAX_MIN_FREE_DISK = 1L << 50;
  public static final long DEFAULT_FREE_SPACE_CHECK_EVERY = 1L << 20;
  public static final long MIN_FREE_SPACE_CHECK_EVERY = 4L << 10;
  public static final long MAX_FREE_SPACE_CHECK_EVERY = 1L << 30;

  private String dir = DEFAULT_DIR;
  private long maxFileSize = DEFAULT_MAX_FILE_SIZE;
  private long maxRequestSize = DEFAULT_MAX_REQUEST_SIZE;
  private int maxFiles = DEFAULT_MAX_FILES;
  private int maxFields = DEFAULT_MAX_FIELDS;
  private int maxFieldSize = DEFAULT_MAX_FIELD_SIZE;
  private long minFreeDisk = DEFAULT_MIN_FREE_DISK;
  private long freeSpaceCheckEvery = DEFAULT_FREE_SPACE_CHECK_EVERY;

  /** The defaults. */
  public UploadOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public UploadOptions(UploadOptions other) {
    dir = other.dir;
    maxFileSize = other.maxFileSize;
    maxRequestSize = other.maxRequestSize;
    maxFiles = other.maxFiles;
    maxFields = other.maxFields;
    maxFieldSize = other.maxFieldSize;
    minFreeDisk = other.minFreeDisk;
    freeSpaceCheckEvery = other.freeSpaceCheckEvery;
  }

  public String dir() {
    return dir;
  }

  public UploadOptions setDir(String dir) {
    if (dir == null) {
      throw new IllegalArgumentException("dir = null: expected a directory");
    }
    this.dir = dir;
    return this;
  }

  public long maxFileSize() {
    return maxFileSize;
  }

  public UploadOptions setMaxFileSize(long maxFileSize) {
    this.maxFileSize = Ranges.of("maxFileSize", maxFileSize, MIN_SIZE_LIMIT, MAX_SIZE_LIMIT);
    return this;
  }

  public long maxRequestSize() {
    return maxRequestSize;
  }

  public UploadOptions setMaxRequestSize(long maxRequestSize) {
    this.maxRequestSize = Ranges.of("maxRequestSize", maxRequestSize, MIN_SIZE_LIMIT, MAX_SIZE_LIMIT);
    return this;
  }

  public int maxFiles() {
    return maxFiles;
  }

  public UploadOptions setMaxFiles(int maxFiles) {
    this.maxFiles = (int) Ranges.of("maxFiles", maxFiles, MIN_MAX_FILES, MAX_MAX_FILES);
    return this;
  }

  /** Most form fields besides the files in one upload. */
  public int maxFields() {
    return maxFields;
  }

  public UploadOptions setMaxFields(int maxFields) {
    this.maxFields = Ranges.of("maxFields", maxFields, MIN_MAX_FIELDS, MAX_MAX_FIELDS);
    return this;
  }

  /** Largest value of one form field, in bytes. */
  public int maxFieldSize() {
    return maxFieldSize;
  }

  public UploadOptions setMaxFieldSize(int maxFieldSize) {
    this.maxFieldSize = Ranges.of("maxFieldSize", maxFieldSize, MIN_MAX_FIELD_SIZE, MAX_MAX_FIELD_SIZE);
    return this;
  }

  public long minFreeDisk() {
    return minFreeDisk;
  }

  public UploadOptions setMinFreeDisk(long minFreeDisk) {
    this.minFreeDisk = Ranges.of("minFreeDisk", minFreeDisk, MIN_MIN_FREE_DISK, MAX_MIN_FREE_DISK);
    return this;
  }

  /**
   * How many bytes an upload may write between two looks at the free space of {@code dir}; a look never allows more
   * than the room left above {@link #minFreeDisk()}, so near the floor it looks more often.
   */
  public long freeSpaceCheckEvery() {
    return freeSpaceCheckEvery;
  }

  public UploadOptions setFreeSpaceCheckEvery(long freeSpaceCheckEvery) {
    this.freeSpaceCheckEvery = Ranges.of("freeSpaceCheckEvery", freeSpaceCheckEvery, MIN_FREE_SPACE_CHECK_EVERY,
        MAX_FREE_SPACE_CHECK_EVERY);
    return this;
  }

  /** These options under the keys of the {@code uploads} config section. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("dir", dir)
        .put("maxFileSize", maxFileSize)
        .put("maxRequestSize", maxRequestSize)
        .put("maxFiles", maxFiles)
        .put("maxFields", maxFields)
        .put("maxFieldSize", maxFieldSize)
        .put("minFreeDisk", minFreeDisk)
        .put("freeSpaceCheckEvery", freeSpaceCheckEvery);
  }
}
