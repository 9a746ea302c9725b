package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import dev.bulwark.scope.RequestScope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * Streams a multipart upload straight to disk, part by part, under generated names, hashing each part with SHA-256 as
 * it passes: nothing is buffered beyond one chunk, and writing pauses the client while the disk is behind. Limits
 * ({@code uploads.*}) are checked as bytes arrive; past one the request fails with 413 and its connection is closed.
 * Whatever the end (success, limit, client gone, failure), files of an upload that did not complete are deleted: the
 * request scope owns them. The client's file name is kept as metadata only, never used as a path.
 */
public final class UploadReceiver {

  private static final int MAX_NAME = 255;

  private final RoutingContext ctx;
  private final UploadOptions options;
  private final Path dir;
  private final RequestScope scope;
  private final FileSystem fs;
  private final Promise<JsonArray> done = Promise.promise();
  private final List<Part> parts = new ArrayList<>();
  private final List<Future<Void>> written = new ArrayList<>();
  private long total;
  private boolean committed;

  private static final class Part {
    final String id = UUID.randomUUID().toString();
    String name;
    String contentType;
    long size;
    MessageDigest sha256;
    Path path;
  }

  private UploadReceiver(RoutingContext ctx, UploadOptions options, Path dir, FileSystem fs) {
    this.ctx = ctx;
    this.options = options;
    this.dir = dir;
    this.fs = fs;
    this.scope = RequestScope.of(ctx);
  }

  /**
   * Receives the upload of {@code ctx} into {@code dir} through {@code fs} (the server passes
   * {@code vertx.fileSystem()}); completes with the stored files' metadata.
   */
  public static Future<JsonArray> receive(RoutingContext ctx, UploadOptions options, Path dir, FileSystem fs) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase().startsWith("multipart/form-data")) {
      return Future.failedFuture(new ApiError(400, "not_multipart", "An upload is sent as multipart/form-data."));
    }
    UploadReceiver receiver = new UploadReceiver(ctx, options, dir, fs);
    receiver.start();
    return receiver.done.future();
  }

  private void start() {
    HttpServerRequest request = ctx.request();
    request.pause(); // nothing is read until the disk check below has passed
    // Whatever ends the request, files of an upload that did not complete go.
    scope.register(() -> {
      if (!committed) {
        parts.forEach(p -> fs.delete(p.path.toString()).onFailure(e -> { }));
      }
    });
    long declared = Math.max(0, BodyLimitHandlerImpl.declaredLength(request)); // none: 0
    ctx.vertx().executeBlocking(() -> {
      Files.createDirectories(dir);
      return Files.getFileStore(dir).getUsableSpace();
    }).onComplete(ar -> {
      if (ar.failed() || ar.result() - declared < options.minFreeDisk()) {
        stop(new ApiError(507, "insufficient_storage", "Not enough free disk for this upload (uploads.minFreeDisk)."));
        return;
      }
      request.setExpectMultipart(true);
      request.uploadHandler(this::onFile);
      request.exceptionHandler(done::tryFail);
      request.endHandler(v -> Future.all(written).onComplete(all -> commit()));
      request.resume();
    });
  }

  private void onFile(HttpServerFileUpload upload) {
    if (parts.size() >= options.maxFiles()) {
      stop(new ApiError(413, "too_many_files", "At most " + options.maxFiles() + " files per upload (uploads.maxFiles)."));
      return;
    }
    Part part = new Part();
    part.name = safeName(upload.filename());
    part.contentType = upload.contentType() == null ? "application/octet-stream" : upload.contentType();
    part.sha256 = sha256();
    part.path = dir.resolve(part.id);
    parts.add(part);
    upload.pause();
    Promise<Void> closed = Promise.promise();
    written.add(closed.future());
    fs.open(part.path.toString(), new OpenOptions().setWrite(true).setCreateNew(true))
        .map(file -> {
          scope.register(() -> {
            try {
              file.close();
            } catch (IllegalStateException closedAlready) {
              // closed once the part ended: nothing left to release
            }
          });
          return file;
        })
        .onFailure(e -> stop(new ApiError(507, "insufficient_storage", "The upload could not be written.")))
        .onSuccess(file -> stream(upload, part, file, closed));
  }

  private void stream(HttpServerFileUpload upload, Part part, AsyncFile file, Promise<Void> closed) {
    upload.handler(chunk -> {
      if (done.future().isComplete()) {
        return; // refused or answered: chunks the decoder had already parsed are dropped, never written
      }
      scope.touch(); // a long upload that keeps arriving is not a request that hangs
      part.size += chunk.length();
      total += chunk.length();
      if (part.size > options.maxFileSize()) {
        stop(new ApiError(413, "file_too_large", "A file may be at most " + options.maxFileSize()
            + " bytes (uploads.maxFileSize)."));
        return;
      }
      if (total > options.maxRequestSize()) {
        stop(new ApiError(413, "request_too_large", "An upload may be at most " + options.maxRequestSize()
            + " bytes (uploads.maxRequestSize)."));
        return;
      }
      part.sha256.update(chunk.getBytes());
      file.write(chunk);
      if (file.writeQueueFull()) {
        upload.pause();
        file.drainHandler(v -> upload.resume());
      }
    });
    upload.endHandler(v -> {
      if (done.future().isComplete()) {
        closed.tryComplete(); // answered already: the scope closes (and the refusal deletes) the file
        return;
      }
      file.flush().compose(x -> file.close()).onComplete(ar -> closed.tryComplete());
    });
    upload.exceptionHandler(closed::tryFail);
    upload.resume();
  }

  private void commit() {
    if (done.future().isComplete()) {
      return;
    }
    JsonArray files = new JsonArray();
    List<Future<Void>> metadata = new ArrayList<>();
    for (Part p : parts) {
      JsonObject meta = new JsonObject().put("id", p.id).put("name", p.name).put("size", p.size)
          .put("sha256", HexFormat.of().formatHex(p.sha256.digest())).put("contentType", p.contentType);
      files.add(meta);
      metadata.add(fs.writeFile(dir.resolve(p.id + ".json").toString(), meta.toBuffer()));
    }
    Future.all(metadata).onComplete(ar -> {
      if (ar.succeeded()) {
        committed = true;
        done.tryComplete(files);
      } else {
        done.tryFail(new ApiError(507, "insufficient_storage", "The upload's metadata could not be written."));
      }
    });
  }

  /** Fails the upload: reading stops, the answer closes the connection, the scope deletes the partial files. */
  private void stop(ApiError error) {
    ctx.request().pause();
    ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    done.tryFail(error);
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

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
