package dev.bulwark.stream;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * One file of an upload on its way to disk, under a generated id, hashed with SHA-256 as it is written. Its outcome
 * succeeds only once its last byte has been handed over, every write has completed, and the file has been flushed to
 * the device and closed, each without error; it fails at the first failure of any of them.
 */
final class PartWriter {

  final String id = UUID.randomUUID().toString();
  private final String name;
  private final String contentType;
  private final UploadFiles files;
  private final MessageDigest sha256 = sha256();
  private final Promise<Void> outcome = Promise.promise();
  private AsyncFile file;
  private Buffer held; // arrived while a look at free space is pending; written after it
  private long received;
  private int writing; // writes handed to the file that have not completed
  private boolean ended;
  private boolean finishing;

  PartWriter(String name, String contentType, UploadFiles files) {
    this.name = name;
    this.contentType = contentType;
    this.files = files;
  }

  /** Done when the file is whole on disk and closed; failed at the first write, flush or close that failed. */
  Future<Void> outcome() {
    return outcome.future();
  }

  void opened(AsyncFile file) {
    this.file = file;
  }

  /** Counts {@code bytes} more of this file as arrived; returns how many have. */
  long receive(int bytes) {
    received += bytes;
    return received;
  }

  /** True while a chunk waits for a look at free space. */
  boolean holding() {
    return held != null;
  }

  /**
   * Keeps {@code chunk} until {@link #release()}, after any chunk kept already. Besides the chunk that waits for the
   * look, only what the decoder had parsed before the pause took hold arrives: bounded.
   */
  void hold(Buffer chunk) {
    held = held == null ? chunk : held.copy().appendBuffer(chunk);
  }

  /** The chunks kept, in order; none are kept afterwards. */
  Buffer release() {
    Buffer chunk = held;
    held = null;
    return chunk;
  }

  /** Writes {@code chunk} after those before it; the future says when this write completed or failed. */
  Future<Void> write(Buffer chunk) {
    sha256.update(chunk.getBytes());
    writing++;
    return file.write(chunk).andThen(ar -> {
      writing--;
      if (ar.failed()) {
        outcome.tryFail(ar.cause());
      } else {
        finishWhenWritten();
      }
    });
  }

  boolean writeQueueFull() {
    return file.writeQueueFull();
  }

  void drainHandler(Handler<Void> handler) {
    file.drainHandler(handler);
  }

  /** The last byte has been handed over: flush and close once every write has completed. */
  void end() {
    ended = true;
    finishWhenWritten();
  }

  /** What the upload stores and answers about this file; call once, after {@link #outcome()} succeeded. */
  JsonObject metadata() {
    return new JsonObject().put("id", id).put("name", name).put("size", received)
        .put("sha256", HexFormat.of().formatHex(sha256.digest())).put("contentType", contentType);
  }

  private void finishWhenWritten() {
    // AsyncFile.flush does not wait for writes in flight: it may only start once the last one has completed.
    if (!ended || writing > 0 || finishing || outcome.future().isComplete()) {
      return;
    }
    finishing = true;
    files.finish(file).onComplete(ar -> {
      if (ar.succeeded()) {
        outcome.tryComplete();
      } else {
        outcome.tryFail(ar.cause());
      }
    });
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
