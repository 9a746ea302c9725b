package dev.bulwark.stream;

import dev.bulwark.scope.Registration;
import dev.bulwark.scope.RequestScope;
import dev.bulwark.spi.ApiError;
import dev.bulwark.stream.StreamMeters.UploadOutcome;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Streams a multipart upload straight to disk, part by part, under generated names (see {@link PartWriter}): nothing
 * is buffered beyond one chunk, and the client is paused while the disk is behind or while free space is looked up.
 * Limits ({@code uploads.*}) are checked as bytes arrive: sizes (413), form fields (413, see {@link MultipartShape}),
 * and free space above {@code uploads.minFreeDisk} by Content-Length before reading and again as the body streams
 * (507, see {@link FreeSpace}); a refused upload whose body was not read to its end has its connection closed. A body
 * that is not multipart with a boundary, cannot be decoded or holds no file is 400. Every write, flush and close is
 * checked: a full disk is 507, another I/O error 500 (see {@link StorageFailure}). The upload completes only when
 * every file is written, flushed and closed and its metadata is in place (written to a temporary name, then renamed);
 * on any other end (refusal, failure, client gone, timeout) every file it made is deleted (see {@link UploadFiles}).
 * The client's file name is kept as metadata only, never used as a path.
 */
public final class UploadReceiver {

  private static final int MAX_NAME = 255;

  private final RoutingContext ctx;
  private final UploadOptions options;
  private final Path dir;
  private final RequestScope scope;
  private final UploadFiles files;
  private final FreeSpace space;
  private final StreamMeters meters;
  private final Promise<JsonArray> done = Promise.promise();
  private final List<PartWriter> parts = new ArrayList<>();
  private Registration cleanup;
  private long total;
  private boolean failing;
  private boolean committed;

  private UploadReceiver(RoutingContext ctx, UploadOptions options, Path dir, FileSystem fs, StreamMeters meters) {
    this.ctx = ctx;
    this.options = options;
    this.dir = dir;
    this.scope = RequestScope.of(ctx);
    this.files = new UploadFiles(fs);
    this.space = new FreeSpace(fs, dir.toString(), options);
    this.meters = meters;
  }

  /**
   * Receives the upload of {@code ctx} into {@code dir} through {@code fs} (the server passes
   * {@code vertx.fileSystem()}); completes with the stored files' metadata once all of it is on disk.
   */
  public static Future<JsonArray> receive(RoutingContext ctx, UploadOptions options, Path dir, FileSystem fs) {
    return receive(ctx, options, dir, fs, StreamMeters.NONE);
  }

  /** As {@link #receive(RoutingContext, UploadOptions, Path, FileSystem)}, each upload counted once by its outcome. */
  public static Future<JsonArray> receive(RoutingContext ctx, UploadOptions options, Path dir, FileSystem fs,
      StreamMeters meters) {
    ApiError notMultipart = MultipartShape.checkType(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE));
    if (notMultipart != null) {
      meters.uploadNotStarted(UploadOutcome.of(notMultipart));
      return Future.failedFuture(notMultipart);
    }
    UploadReceiver receiver = new UploadReceiver(ctx, options, dir, fs, meters);
    receiver.start(fs);
    return receiver.done.future();
  }

  private void start(FileSystem fs) {
    HttpServerRequest request = ctx.request();
    request.pause(); // nothing is read until the free-space check below has passed
    meters.uploadStarted();
    // However the request ends (client gone, timeout), an upload that did not complete leaves no file behind. An
    // upload that ends by itself gives this back at once (see commit and fail): the scope never has to release it.
    cleanup = scope.register(() -> {
      if (!committed) {
        if (!failing) {
          ended(UploadOutcome.ABORTED); // ended by the request, not by the upload: commit and fail count their own
        }
        files.discard();
      }
    });
    long declared = Math.max(0, BodyLimitHandlerImpl.declaredLength(request)); // none: 0
    fs.mkdirs(dir.toString()).compose(v -> space.admit(declared)).onComplete(ar -> {
      if (over()) {
        return; // gone while the disk was looked at
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      request.setExpectMultipart(true);
      request.uploadHandler(this::onFile);
      request.exceptionHandler(this::onBodyError);
      request.endHandler(v -> onBodyEnd());
      request.resume();
    });
  }

  /** True once the upload has an answer, is failing, or has been thrown away: nothing more is written. */
  private boolean over() {
    return failing || done.future().isComplete() || files.discarded();
  }

  private void onFile(HttpServerFileUpload upload) {
    if (over()) {
      return;
    }
    if (parts.size() >= options.maxFiles()) {
      fail(new ApiError(413, "too_many_files", "At most " + options.maxFiles()
          + " files per upload (uploads.maxFiles)."));
      return;
    }
    String type = upload.contentType() == null ? "application/octet-stream" : upload.contentType();
    PartWriter part = new PartWriter(safeName(upload.filename()), type, files);
    parts.add(part);
    part.outcome().onFailure(this::fail); // at once, not only at the end: a full disk stops the upload there
    upload.pause();
    files.open(dir.resolve(part.id).toString()).onComplete(ar -> {
      if (over()) {
        return; // the file, if it was made, is the discard's to close and delete; the upload stays paused
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      part.opened(ar.result());
      upload.handler(chunk -> onChunk(upload, part, chunk));
      upload.endHandler(v -> {
        if (!over()) {
          part.end();
        }
      });
      upload.exceptionHandler(this::onBodyError);
      upload.resume();
    });
  }

  private void onChunk(HttpServerFileUpload upload, PartWriter part, Buffer chunk) {
    if (over()) {
      return; // refused or answered: chunks the decoder had already parsed are dropped, never written
    }
    scope.touch(); // a long upload that keeps arriving is not a request that hangs
    total += chunk.length();
    if (part.receive(chunk.length()) > options.maxFileSize()) {
      fail(new ApiError(413, "file_too_large", "A file may be at most " + options.maxFileSize()
          + " bytes (uploads.maxFileSize)."));
    } else if (total > options.maxRequestSize()) {
      fail(new ApiError(413, "request_too_large", "An upload may be at most " + options.maxRequestSize()
          + " bytes (uploads.maxRequestSize)."));
    } else if (part.holding()) {
      part.hold(chunk); // parsed before the pause took hold: written after the look, in order
    } else {
      store(upload, part, chunk);
    }
  }

  /** Writes {@code chunk} if the free-space allowance covers it; else pauses, looks, then writes or refuses. */
  private void store(HttpServerFileUpload upload, PartWriter part, Buffer chunk) {
    if (space.covers(chunk.length())) {
      write(upload, part, chunk);
      return;
    }
    part.hold(chunk);
    upload.pause();
    space.recheck(chunk.length()).onComplete(ar -> {
      if (over()) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      store(upload, part, part.release()); // a chunk that grew while paused may need one more look
      if (!part.holding() && !over() && !part.writeQueueFull()) {
        upload.resume();
      }
    });
  }

  private void write(HttpServerFileUpload upload, PartWriter part, Buffer chunk) {
    int length = chunk.length();
    space.writing(length);
    part.write(chunk).onComplete(ar -> space.written(length)); // a failure fails the part's outcome
    if (!over() && part.writeQueueFull()) { // over: a write that failed at once has had the file closed
      upload.pause();
      part.drainHandler(v -> {
        if (!part.holding() && !over()) {
          upload.resume();
        }
      });
    }
  }

  /**
   * The body broke off (client gone) or the decoder gave up on it (a limit, or a body it cannot read): the client's
   * doing, not a failure of the server.
   */
  private void onBodyError(Throwable cause) {
    fail(cause instanceof HttpClosedException || cause instanceof StreamResetException ? cause
        : MultipartShape.refusal(cause, options));
  }

  /** The whole body has been decoded: refuse an upload without files or with too many fields, else commit. */
  private void onBodyEnd() {
    ApiError refused = MultipartShape.checkComplete(parts.size(), ctx.request().formAttributes(), options);
    if (refused != null) {
      fail(refused);
      return;
    }
    Future.all(parts.stream().map(PartWriter::outcome).toList())
        .onSuccess(all -> commit())
        .onFailure(this::fail);
  }

  /** Every file is whole, flushed and closed: publish each one's metadata, then answer. */
  private void commit() {
    if (over()) {
      return;
    }
    JsonArray answer = new JsonArray();
    List<Future<Void>> published = new ArrayList<>();
    for (PartWriter part : parts) {
      JsonObject meta = part.metadata();
      answer.add(meta);
      published.add(files.publish(dir.resolve(part.id + ".json").toString(), meta.toBuffer()));
    }
    Future.all(published).onComplete(ar -> {
      if (over()) {
        return;
      }
      if (ar.failed()) {
        fail(ar.cause());
        return;
      }
      committed = true;
      ended(UploadOutcome.STORED);
      cleanup.release(); // nothing left for the scope to do
      done.complete(answer);
    });
  }

  /**
   * Fails the upload: reading stops, every file it made goes, and the answer says why; a client that has gone gets
   * none.
   */
  private void fail(Throwable cause) {
    if (over()) {
      return;
    }
    failing = true;
    ctx.request().pause();
    files.discard();
    cleanup.release(); // the files are being deleted already: nothing left for the scope to do
    if (cause instanceof HttpClosedException || cause instanceof StreamResetException) {
      ended(UploadOutcome.ABORTED);
      return; // the client went away: nobody to answer, and nothing to log
    }
    // The error handler closes the connection when the rest of the body was not read (HTTP/1.x).
    StorageFailure.of(cause, space, dir.toString()).onComplete(ar -> {
      ApiError error = ar.succeeded() ? ar.result() : StorageFailure.FAILED;
      ended(UploadOutcome.of(error));
      done.tryFail(error);
    });
  }

  /** Counts how the upload ended: exactly once, by commit, by fail, or by the scope when the request ended first. */
  private void ended(UploadOutcome outcome) {
    meters.uploadEnded(outcome, total);
  }

  /**
   * The client's name as metadata: its last path segment, without control or format (bidirectional override)
   * characters, at most 255 characters.
   */
  static String safeName(String raw) {
    if (raw == null) {
      return "";
    }
    String last = raw.substring(Math.max(raw.lastIndexOf('/'), raw.lastIndexOf('\\')) + 1);
    // Control characters, and format characters such as U+202E (right-to-left override) that make a name read as
    // another (an "exe.txt" that displays as "txt.exe"), are dropped.
    String clean = last.replaceAll("[\\p{Cntrl}\\p{Cf}]", "");
    return clean.length() > MAX_NAME ? clean.substring(0, MAX_NAME) : clean;
  }
}
