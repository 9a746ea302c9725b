package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import io.vertx.core.file.FileSystem;

/**
 * How much one upload may still write before it looks at the free space of its directory again. The look is
 * {@link FileSystem#fsProps}, which runs on a worker thread, so the event loop never waits on the disk; the upload is
 * paused meanwhile. Bytes handed to writes that have not completed are not in the file system's figures yet, so they
 * are subtracted from what it reports. Each look allows at most {@code uploads.freeSpaceCheckEvery} bytes, and never
 * more than the room left above {@code uploads.minFreeDisk}: near the floor it looks more often, and a write that
 * would cross it is refused with 507 before it is made.
 */
final class FreeSpace {

  static final ApiError NO_ROOM = new ApiError(507, "insufficient_storage",
      "Not enough free disk for this upload (uploads.minFreeDisk).");

  private final FileSystem fs;
  private final String dir;
  private final long minFree;
  private final long every;
  private long allowance; // bytes that may be written before the next look
  private long inFlight;  // bytes handed to writes that have not completed

  FreeSpace(FileSystem fs, String dir, UploadOptions options) {
    this.fs = fs;
    this.dir = dir;
    this.minFree = options.minFreeDisk();
    this.every = options.freeSpaceCheckEvery();
  }

  /** The first look, before any byte is read: fails with {@link #NO_ROOM} unless {@code declared} bytes fit. */
  Future<Void> admit(long declared) {
    return look(declared, 0);
  }

  /** True when {@code bytes} more may be written without looking again. */
  boolean covers(int bytes) {
    return bytes <= allowance;
  }

  /** Looks again for {@code bytes} about to be written: fails with {@link #NO_ROOM} when they would cross the floor. */
  Future<Void> recheck(int bytes) {
    return look(bytes, bytes);
  }

  /** {@code bytes} are handed to a write: they count against the allowance, and as unseen until written. */
  void writing(int bytes) {
    allowance -= bytes;
    inFlight += bytes;
  }

  /** A write of {@code bytes} completed (or failed): the file system's figures show it now. */
  void written(int bytes) {
    inFlight -= bytes;
  }

  /**
   * Whether a write failure whose text did not say so means a full disk (texts are localised): true when the
   * directory has less free space than the floor and one allowance together.
   */
  Future<Boolean> nearlyFull() {
    return fs.fsProps(dir).map(props -> props.usableSpace() < minFree + every);
  }

  private Future<Void> look(long required, int next) {
    long unseen = inFlight; // counted as of now: writes that land before the look are counted twice, never missed
    return fs.fsProps(dir).compose(props -> {
      long room = props.usableSpace() - unseen - minFree;
      if (required > room) {
        return Future.failedFuture(NO_ROOM);
      }
      allowance = Math.max(next, Math.min(every, room));
      return Future.succeededFuture();
    });
  }
}
