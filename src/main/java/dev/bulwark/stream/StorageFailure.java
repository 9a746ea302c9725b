package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import io.vertx.core.Future;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a failed file operation of an upload tells the client: a full disk (or quota) is 507
 * {@code insufficient_storage}, anything else 500 {@code internal_error} with a sentence that gives nothing away. The
 * cause goes to the log as one WARN line without a stack trace: a full disk is an operator's matter, not a bug, and
 * the stack of an I/O error says nothing the message does not.
 */
final class StorageFailure {

  static final ApiError DISK_FULL = new ApiError(507, "insufficient_storage",
      "The disk is full: the upload could not be stored.");
  static final ApiError FAILED = new ApiError(500, "internal_error",
      "The upload could not be stored; the failure is logged.");
  private static final Logger LOG = LoggerFactory.getLogger(UploadReceiver.class);

  private StorageFailure() {
  }

  /**
   * The error to answer for {@code failure}: an {@link ApiError} as it is; otherwise a full disk when the failure's
   * text says so (ENOSPC, EDQUOT), or, as texts may be localised, when the directory is nearly full.
   */
  static Future<ApiError> of(Throwable failure, FreeSpace space, String dir) {
    if (failure instanceof ApiError error) {
      return Future.succeededFuture(error);
    }
    Future<Boolean> full = saysDiskFull(failure) ? Future.succeededFuture(true)
        : space.nearlyFull().otherwise(false);
    return full.map(diskFull -> {
      LOG.warn("An upload into {} failed{}: {}", dir, diskFull ? " (disk full)" : "", describe(failure));
      return diskFull ? DISK_FULL : FAILED;
    });
  }

  private static boolean saysDiskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String text = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (text.contains("no space left") || text.contains("quota exceeded")) {
        return true;
      }
    }
    return false;
  }

  /** The innermost cause's class and message, enough to act on. */
  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
