package dev.bulwark.stream;

import dev.bulwark.scope.RequestScope;
import dev.bulwark.scope.RequestScopeHandler;
import dev.bulwark.spi.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.MimeMapping;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers with a file found by {@link SafePath}: conditional requests (ETag / If-None-Match, Last-Modified /
 * If-Modified-Since: 304), a single byte range (206; valid but outside the file: 416; not the RFC 9110 grammar:
 * ignored), zero-copy {@code sendFile} otherwise, or a streamed gzip body when {@code Accept-Encoding} allows it and
 * the type compresses. The gzip answer is a variant of its own, with its own ETag, and every answer about a file that
 * could be gzipped says {@code Vary: Accept-Encoding}, so no cache hands one variant to a client that asked for the
 * other. Memory stays constant: the gzip path reads 64 KiB at a time and pauses while the client is slow; its file
 * and deflater belong to the request scope. A send that fails is always answered (see {@link #sendWhole}).
 */
public final class FileSender {

  private static final Logger LOG = LoggerFactory.getLogger(FileSender.class);
  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int CHUNK = 64 << 10;
  private static final ApiError VANISHED = new ApiError(404, "not_found", "No file is served at this path.");
  private static final ApiError UNREADABLE = new ApiError(500, "internal_error",
      "The file could not be read; the failure is logged.");
  /** What describes the file: none of it may stay on an error answer given in its place. */
  private static final List<CharSequence> FILE_HEADERS = List.of(HttpHeaders.ETAG, HttpHeaders.LAST_MODIFIED,
      HttpHeaders.ACCEPT_RANGES, HttpHeaders.CONTENT_TYPE, HttpHeaders.CONTENT_RANGE, HttpHeaders.CONTENT_ENCODING,
      HttpHeaders.CONTENT_DISPOSITION);

  private FileSender() {
  }

  /**
   * Answers {@code ctx} with {@code file}, as {@link SafePath#resolve} found it on a worker thread; nothing when the
   * request was answered meanwhile. A range outside the file is thrown as a 416 {@link ApiError}.
   */
  public static void send(RoutingContext ctx, SafePath.Found file, boolean compress, long compressMaxSize) {
    send(ctx, file, compress, compressMaxSize, StreamMeters.NONE);
  }

  /** As {@link #send(RoutingContext, SafePath.Found, boolean, long)}, a body sent counted as a {@code file} stream. */
  public static void send(RoutingContext ctx, SafePath.Found file, boolean compress, long compressMaxSize,
      StreamMeters meters) {
    HttpServerResponse response = ctx.response();
    if (answered(response)) {
      return;
    }
    String type = MimeMapping.mimeTypeForFilename(file.path().getFileName().toString());
    String identityTag = "\"" + Long.toHexString(file.size()) + "-" + Long.toHexString(file.lastModifiedMillis())
        + "\"";
    ByteRange range = range(ctx, identityTag, file.size());
    boolean variants = compress && file.size() <= compressMaxSize && compresses(type);
    boolean gzip = variants && range == null
        && AcceptEncoding.allowsGzip(ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING));
    String etag = gzip ? identityTag.substring(0, identityTag.length() - 1) + "-gzip\"" : identityTag;
    describe(response, file, type, etag, variants);
    if (notModified(ctx, etag, file.lastModifiedMillis())) {
      response.setStatusCode(304).end();
      return;
    }
    boolean head = ctx.request().method() == HttpMethod.HEAD;
    StreamMeters.Streams meter = meters.of(StreamMeters.Kind.FILE);
    if (!gzip) {
      sendBytes(ctx, file, range, head, meter);
    } else if (head) {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip").setChunked(true).end();
    } else {
      response.putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      gzip(ctx, file, meter);
    }
  }

  /**
   * Sends the whole file at {@code path} zero-copy, for a route that found it by other means (an upload's metadata);
   * set its Content-Type first. As for {@link #send}, a failure is answered: nothing written yet, 404
   * {@code not_found} when the file is gone since it was found, 500 {@code internal_error} and one WARN line (no stack
   * trace, nothing of it to the client) when something is there that cannot be read; the head already sent, the
   * answer is cut (HTTP/2 stream reset, HTTP/1.x connection closed) rather than left hanging.
   */
  public static void sendWhole(RoutingContext ctx, Path path) {
    sendWhole(ctx, path, StreamMeters.NONE, StreamMeters.Kind.FILE);
  }

  /** As {@link #sendWhole(RoutingContext, Path)}, counted in {@code meters} as a stream of {@code kind}. */
  public static void sendWhole(RoutingContext ctx, Path path, StreamMeters meters, StreamMeters.Kind kind) {
    if (!answered(ctx.response())) {
      sendFile(ctx, path, 0, Long.MAX_VALUE, meters.of(kind));
    }
  }

  /** True when there is nothing left to answer: the request timed out meanwhile or the client left. */
  private static boolean answered(HttpServerResponse response) {
    return response.ended() || response.closed();
  }

  private static void describe(HttpServerResponse response, SafePath.Found file, String type, String etag,
      boolean variants) {
    String contentType = type == null ? "application/octet-stream" : type.startsWith("text/") ? type
        + "; charset=utf-8" : type;
    response.putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.LAST_MODIFIED, HTTP_DATE.format(Instant.ofEpochMilli(file.lastModifiedMillis())))
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (variants) {
      response.putHeader(HttpHeaders.VARY, "Accept-Encoding");
    }
  }

  /** The identity variant, whole or one range of it (416 when the range misses the file). */
  private static void sendBytes(RoutingContext ctx, SafePath.Found file, ByteRange range, boolean head,
      StreamMeters.Streams meter) {
    HttpServerResponse response = ctx.response();
    if (range != null && !range.satisfiable()) {
      response.putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + file.size());
      throw new ApiError(416, "range_not_satisfiable", "The requested range is outside the file.",
          new JsonObject().put("size", file.size()));
    }
    long offset = range == null ? 0 : range.first();
    long length = range == null ? file.size() : range.length();
    if (range != null) {
      response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
          "bytes " + range.first() + "-" + range.last() + "/" + file.size());
    }
    if (head) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).end();
      return;
    }
    sendFile(ctx, file.path(), offset, length, meter);
  }

  private static void sendFile(RoutingContext ctx, Path path, long offset, long length, StreamMeters.Streams meter) {
    meter.begin(ctx);
    ctx.response().sendFile(path.toString(), offset, length).onFailure(e -> failed(ctx, path, e));
  }

  /** See {@link #sendWhole}. */
  private static void failed(RoutingContext ctx, Path path, Throwable failure) {
    HttpServerResponse response = ctx.response();
    if (response.closed()) {
      return; // the client left: nothing to tell it, nothing worth a log line
    }
    if (response.headWritten()) {
      if (ctx.request().version() == HttpVersion.HTTP_2) {
        response.reset();
      } else {
        ctx.request().connection().close(); // sendFile counts as ended, so reset() would do nothing here
        RequestScopeHandler.cut(ctx); // nor will Vert.x report this request's end (a client gone midway, mostly)
      }
      return;
    }
    for (CharSequence name : FILE_HEADERS) {
      response.headers().remove(name);
    }
    response.setChunked(false);
    // Whether the file is gone or unreadable decides who has a problem: asked off the event loop.
    ctx.vertx().fileSystem().exists(path.toString()).onComplete(exists -> {
      if (exists.succeeded() && !exists.result()) {
        LOG.debug("{} went away before it could be sent", path);
        VANISHED.failOn(ctx);
      } else {
        LOG.warn("Could not send {}: {}", path, failure.toString());
        UNREADABLE.failOn(ctx);
      }
    });
  }

  private static boolean notModified(RoutingContext ctx, String etag, long lastModified) {
    String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
    if (ifNoneMatch != null) {
      for (String tag : ifNoneMatch.split(",")) {
        String t = tag.trim();
        if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
          return true;
        }
      }
      return false;
    }
    String since = ctx.request().getHeader(HttpHeaders.IF_MODIFIED_SINCE);
    if (since != null) {
      try {
        return lastModified / 1000 <= Instant.from(HTTP_DATE.parse(since)).getEpochSecond();
      } catch (DateTimeParseException e) {
        return false;
      }
    }
    return false;
  }

  /**
   * The range asked for, or null to send the whole file. If-Range holds a strong validator of the identity variant (a
   * range is never gzip-coded): a date, a weak tag or another tag sends the whole file.
   */
  private static ByteRange range(RoutingContext ctx, String identityTag, long size) {
    String ifRange = ctx.request().getHeader("If-Range");
    if (ifRange != null && !ifRange.equals(identityTag)) {
      return null;
    }
    return ByteRange.of(ctx.request().getHeader("Range"), size);
  }

  private static boolean compresses(String type) {
    return type != null && (type.startsWith("text/") || type.endsWith("json") || type.endsWith("javascript")
        || type.endsWith("xml") || type.equals("image/svg+xml"));
  }

  /**
   * Streams the file through a deflater, in 64 KiB reads, pausing while the response's queue is full. The gzip header
   * goes out with the first bytes read, so a file that cannot be opened or read still gets an answer of its own.
   */
  private static void gzip(RoutingContext ctx, SafePath.Found file, StreamMeters.Streams meter) {
    meter.begin(ctx);
    RequestScope scope = RequestScope.of(ctx);
    HttpServerResponse response = ctx.response().setChunked(true);
    OwnedDeflater owned = scope.own(new OwnedDeflater());
    Deflater deflater = owned.deflater;
    CRC32 crc = new CRC32();
    byte[] out = new byte[CHUNK];
    // Once the response has ended, whatever fails belongs to an answer already given (a request timeout's 503).
    Handler<Throwable> failure = e -> {
      if (!response.ended()) {
        failed(ctx, file.path(), e);
      }
    };
    // The scope releases the file and the deflater if the request ends first (client gone, timeout); on every way
    // this method finishes them, it releases them itself, before the answer ends the request.
    scope.openFile(file.path().toString(), new OpenOptions().setRead(true).setWrite(false))
        .onFailure(e -> {
          scope.release(owned);
          failure.handle(e);
        })
        .onSuccess(in -> {
          Runnable releaseBoth = () -> {
            scope.release(in);
            scope.release(owned);
          };
          in.setReadBufferSize(CHUNK);
          in.exceptionHandler(e -> {
            releaseBoth.run();
            failure.handle(e);
          });
          in.handler(chunk -> {
            begin(response);
            byte[] bytes = chunk.getBytes();
            crc.update(bytes);
            deflater.setInput(bytes);
            drain(deflater, out, response, false);
            if (response.writeQueueFull()) {
              meter.paused();
              in.pause();
              response.drainHandler(v -> in.resume());
            }
          });
          in.endHandler(v -> {
            begin(response);
            deflater.finish();
            drain(deflater, out, response, true);
            // The length of what was read, not what was looked up: the file may have changed in between.
            Buffer trailer = Buffer.buffer(8).appendIntLE((int) crc.getValue())
                .appendIntLE((int) deflater.getBytesRead());
            releaseBoth.run();
            response.end(trailer);
          });
        });
  }

  private static void begin(HttpServerResponse response) {
    if (!response.headWritten()) {
      response.write(Buffer.buffer(GZIP_HEADER));
    }
  }

  private static void drain(Deflater deflater, byte[] out, HttpServerResponse response, boolean finishing) {
    while (finishing ? !deflater.finished() : !deflater.needsInput()) {
      int n = deflater.deflate(out);
      if (n > 0) {
        response.write(Buffer.buffer(n).appendBytes(out, 0, n));
      }
    }
  }

  /** A deflater whose native memory is freed when the request scope ends, however it ends. */
  private static final class OwnedDeflater implements AutoCloseable {
    final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);

    @Override
    public void close() {
      deflater.end();
    }
  }
}
