package dev.bulwark.stream;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;

/** The {@code uploads} section: where uploads are streamed and how much one request may bring. */
public final class UploadOptions {

  private final String dir;
  private final long maxFileSize;
  private final long maxRequestSize;
  private final int maxFiles;
  private final long minFreeDisk;

  public UploadOptions(Section s) throws ConfigException {
    dir = s.string("dir", "var/uploads", "Directory uploads are streamed into, under generated names.");
    maxFileSize = s.size("maxFileSize", 2L << 30, 1, 1L << 40, "Largest uploaded file; larger: 413 `file_too_large`.");
    maxRequestSize = s.size("maxRequestSize", 2L << 30, 1, 1L << 40,
        "Largest upload request; larger: 413 `request_too_large` (by Content-Length, else while streaming).");
    maxFiles = s.integer("maxFiles", 10, 1, 10_000, "Most files in one upload request; more: 413 `too_many_files`.");
    minFreeDisk = s.size("minFreeDisk", 100L << 20, 0, 1L << 50,
        "Free disk an upload must leave in `uploads.dir`; otherwise 507 `insufficient_storage`.");
  }

  public String dir() {
    return dir;
  }

  public long maxFileSize() {
    return maxFileSize;
  }

  public long maxRequestSize() {
    return maxRequestSize;
  }

  public int maxFiles() {
    return maxFiles;
  }

  public long minFreeDisk() {
    return minFreeDisk;
  }
}
