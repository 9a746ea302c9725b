package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every file one upload may have created (data, metadata and metadata's temporary names) and the files it holds open.
 * {@link #discard()} closes and deletes all of them, but only once no operation that could still create one is in
 * flight: an open or a metadata write that completes after the upload failed would otherwise leave an orphan. Lives
 * on the request's event loop, like everything of one upload.
 */
final class UploadFiles {

  /** Why an operation was not started or not finished: the upload is being thrown away (never sent: it is over). */
  static final ApiError DISCARDED = new ApiError(500, "internal_error", "The upload was discarded.");
  private static final Logger LOG = LoggerFactory.getLogger(UploadReceiver.class);
  private static final OpenOptions NEW_FILE = new OpenOptions().setWrite(true).setCreateNew(true);
  private static final CopyOptions ATOMIC = new CopyOptions().setAtomicMove(true);

  private final FileSystem fs;
  private final List<String> paths = new ArrayList<>();
  private final List<AsyncFile> open = new ArrayList<>();
  private int pending; // operations in flight that may create a file
  private boolean discarded;

  UploadFiles(FileSystem fs) {
    this.fs = fs;
  }

  boolean discarded() {
    return discarded;
  }

  /** Creates and opens {@code path} for writing; it stays open until {@link #finish} or {@link #discard()}. */
  Future<AsyncFile> open(String path) {
    if (discarded) {
      return Future.failedFuture(DISCARDED);
    }
    paths.add(path);
    pending++;
    return fs.open(path, NEW_FILE).andThen(ar -> {
      if (ar.succeeded()) {
        open.add(ar.result());
      }
      settled();
    });
  }

  /** Flushes {@code file} to the device, then closes it whatever the flush said; fails with the first failure. */
  Future<Void> finish(AsyncFile file) {
    if (!open.remove(file)) {
      return Future.failedFuture(DISCARDED); // the discard has closed it already
    }
    return closeAfter(file, file.flush());
  }

  /**
   * Writes {@code content} to a temporary name beside {@code path}, flushes and closes it, then renames it to
   * {@code path} in one atomic step: a reader finds the whole file or none, never an empty or partial one.
   */
  Future<Void> publish(String path, Buffer content) {
    if (discarded) {
      return Future.failedFuture(DISCARDED);
    }
    String temp = path + ".tmp";
    paths.add(temp);
    paths.add(path);
    pending++;
    return fs.open(temp, NEW_FILE)
        .compose(file -> closeAfter(file, file.write(content).compose(v -> file.flush())))
        .compose(v -> discarded ? Future.<Void>failedFuture(DISCARDED) : fs.move(temp, path, ATOMIC))
        .andThen(ar -> settled());
  }

  /** Closes and deletes every file of the upload, now or once the last operation in flight has settled. */
  void discard() {
    if (!discarded) {
      discarded = true;
      sweep();
    }
  }

  private void settled() {
    pending--;
    if (discarded) {
      sweep();
    }
  }

  private void sweep() {
    if (pending > 0) {
      return; // the last operation to settle sweeps
    }
    List<Future<Void>> closed = open.stream().map(UploadFiles::closeQuietly).toList();
    open.clear();
    Future.join(closed).onComplete(ar -> paths.forEach(this::delete));
  }

  private void delete(String path) {
    fs.delete(path).onFailure(e -> {
      if (!(e.getCause() instanceof NoSuchFileException)) { // most names were never made, or renamed away
        LOG.warn("Could not delete {} of a failed upload: {}", path, e.getMessage());
      }
    });
  }

  private static Future<Void> closeAfter(AsyncFile file, Future<Void> before) {
    return before.transform(done -> file.close().transform(closed -> firstFailure(done, closed)));
  }

  private static Future<Void> firstFailure(AsyncResult<Void> first, AsyncResult<Void> second) {
    AsyncResult<Void> failed = first.failed() ? first : second;
    return failed.failed() ? Future.failedFuture(failed.cause()) : Future.succeededFuture();
  }

  private static Future<Void> closeQuietly(AsyncFile file) {
    try {
      return file.close().otherwiseEmpty();
    } catch (IllegalStateException closedAlready) {
      return Future.succeededFuture();
    }
  }
}
