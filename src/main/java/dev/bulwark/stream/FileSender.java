package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import dev.bulwark.scope.RequestScope;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.MimeMapping;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Answers with a file found by {@link SafePath}: conditional requests (ETag / If-None-Match, Last-Modified /
 * If-Modified-Since: 304), a single byte range (206; unsatisfiable: 416), zero-copy {@code sendFile} otherwise, or a
 * streamed gzip body when the client accepts it and the type compresses. Memory stays constant: the gzip path reads
 * 64 KiB at a time and pauses while the client is slow; its file and deflater belong to the request scope.
 */
public final class FileSender {

  private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter.RFC_1123_DATE_TIME.withZone(ZoneOffset.UTC);
  private static final byte[] GZIP_HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
  private static final int CHUNK = 64 << 10;

  private FileSender() {
  }

  public static void send(RoutingContext ctx, SafePath.Found file, boolean compress, long compressMaxSize) {
    HttpServerResponse response = ctx.response();
    String etag = "\"" + Long.toHexString(file.size()) + "-" + Long.toHexString(file.lastModifiedMillis()) + "\"";
    String type = MimeMapping.mimeTypeForFilename(file.path().getFileName().toString());
    String contentType = type == null ? "application/octet-stream" : type.startsWith("text/") ? type
        + "; charset=utf-8" : type;
    response.putHeader(HttpHeaders.ETAG, etag)
        .putHeader(HttpHeaders.LAST_MODIFIED, HTTP_DATE.format(Instant.ofEpochMilli(file.lastModifiedMillis())))
        .putHeader(HttpHeaders.ACCEPT_RANGES, "bytes")
        .putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (notModified(ctx, etag, file.lastModifiedMillis())) {
      response.setStatusCode(304).end();
      return;
    }
    long[] range = range(ctx, etag, file.size());
    boolean head = ctx.request().method() == HttpMethod.HEAD;
    if (range == null && compress && file.size() <= compressMaxSize && compresses(type) && acceptsGzip(ctx)) {
      response.putHeader(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING)
          .putHeader(HttpHeaders.CONTENT_ENCODING, "gzip");
      if (head) {
        response.setChunked(true).end();
      } else {
        gzip(ctx, file);
      }
      return;
    }
    long offset = range == null ? 0 : range[0];
    long length = range == null ? file.size() : range[1] - range[0] + 1;
    if (range != null) {
      response.setStatusCode(206).putHeader(HttpHeaders.CONTENT_RANGE,
          "bytes " + range[0] + "-" + range[1] + "/" + file.size());
    }
    if (head) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(length)).end();
      return;
    }
    // A client that hangs up mid-download is not an error to report (the request scope is released anyway).
    response.sendFile(file.path().toString(), offset, length).onFailure(e -> { });
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

  /** {first, last} of a single satisfiable range, null to send the whole file; 416 when unsatisfiable. */
  private static long[] range(RoutingContext ctx, String etag, long size) {
    String header = ctx.request().getHeader("Range");
    String ifRange = ctx.request().getHeader("If-Range");
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0
        || (ifRange != null && !ifRange.equals(etag))) {
      return null;
    }
    String spec = header.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.length() > 40) {
      return null;
    }
    try {
      long first;
      long last;
      if (dash == 0) {
        long suffix = Long.parseLong(spec.substring(1));
        first = Math.max(0, size - suffix);
        last = size - 1;
      } else {
        first = Long.parseLong(spec.substring(0, dash));
        last = dash == spec.length() - 1 ? size - 1 : Math.min(size - 1, Long.parseLong(spec.substring(dash + 1)));
      }
      if (first >= size || last < first) {
        ctx.response().putHeader(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
        throw new ApiError(416, "range_not_satisfiable", "The requested range is outside the file.",
            new JsonObject().put("size", size));
      }
      return new long[] {first, last};
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static boolean acceptsGzip(RoutingContext ctx) {
    String accept = ctx.request().getHeader(HttpHeaders.ACCEPT_ENCODING);
    return accept != null && accept.contains("gzip") && !accept.contains("gzip;q=0");
  }

  private static boolean compresses(String type) {
    return type != null && (type.startsWith("text/") || type.endsWith("json") || type.endsWith("javascript")
        || type.endsWith("xml") || type.equals("image/svg+xml"));
  }

  /** Streams the file through a deflater, in 64 KiB reads, pausing while the response's queue is full. */
  private static void gzip(RoutingContext ctx, SafePath.Found file) {
    RequestScope scope = RequestScope.of(ctx);
    HttpServerResponse response = ctx.response().setChunked(true);
    Deflater deflater = scope.own(new OwnedDeflater()).deflater;
    CRC32 crc = new CRC32();
    byte[] out = new byte[CHUNK];
    scope.openFile(file.path().toString(), new OpenOptions().setRead(true).setWrite(false))
        .onFailure(e -> new ApiError(404, "not_found", "The file could not be opened.").failOn(ctx))
        .onSuccess(in -> {
          in.setReadBufferSize(CHUNK);
          response.write(Buffer.buffer(GZIP_HEADER));
          in.handler(chunk -> {
            byte[] bytes = chunk.getBytes();
            crc.update(bytes);
            deflater.setInput(bytes);
            drain(deflater, out, response, false);
            if (response.writeQueueFull()) {
              in.pause();
              response.drainHandler(v -> in.resume());
            }
          });
          in.endHandler(v -> {
            deflater.finish();
            drain(deflater, out, response, true);
            Buffer trailer = Buffer.buffer(8).appendIntLE((int) crc.getValue()).appendIntLE((int) file.size());
            response.end(trailer);
          });
          in.exceptionHandler(e -> response.reset());
        });
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
