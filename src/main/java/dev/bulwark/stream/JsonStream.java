package dev.bulwark.stream;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import java.util.Iterator;
import java.util.function.Function;

/**
 * Streams items as a JSON array or as NDJSON, in constant memory whatever the count and whatever the client's speed:
 * it writes only while the response's write queue has room and resumes on drain (the article's loop ignored
 * {@code write()}'s answer, so a slow client buffered everything). Stops at once if the client goes away: that is
 * learnt from the routing context's end handlers (the response's own close handler belongs to vertx-web and is never
 * replaced here). Given {@link StreamMeters}, each stream is counted as {@code json} or {@code ndjson}.
 */
public final class JsonStream {

  /** Items are written in batches of about this many bytes, to spare a write per item. */
  static final int BATCH_BYTES = 16 << 10;

  private JsonStream() {
  }

  /** Writes every item of {@code items} (each already JSON) and ends the response; completes when done. */
  public static <T> Future<Void> write(RoutingContext ctx, Iterator<T> items, Function<T, String> toJson,
      boolean ndjson) {
    return write(ctx, items, toJson, ndjson, StreamMeters.NONE);
  }

  /** As {@link #write(RoutingContext, Iterator, Function, boolean)}, counted in {@code meters}. */
  public static <T> Future<Void> write(RoutingContext ctx, Iterator<T> items, Function<T, String> toJson,
      boolean ndjson, StreamMeters meters) {
    HttpServerResponse response = ctx.response();
    StreamMeters.Streams meter = start(ctx, ndjson, meters);
    Promise<Void> done = Promise.promise();
    ctx.addEndHandler(ar -> {
      if (ar.failed()) {
        done.tryFail("client went away");
      }
    });
    new IteratorPump<>(response, items, toJson, ndjson, done, meter).pump();
    return done.future();
  }

  /**
   * As {@link #write(RoutingContext, Iterator, Function, boolean)} for a {@link ReadStream}: paused while the response
   * is full, and left paused (its owner should release it through the request scope) if the client goes away.
   */
  public static <T> Future<Void> write(RoutingContext ctx, ReadStream<T> items, Function<T, String> toJson,
      boolean ndjson) {
    return write(ctx, items, toJson, ndjson, StreamMeters.NONE);
  }

  /** As {@link #write(RoutingContext, ReadStream, Function, boolean)}, counted in {@code meters}. */
  public static <T> Future<Void> write(RoutingContext ctx, ReadStream<T> items, Function<T, String> toJson,
      boolean ndjson, StreamMeters meters) {
    HttpServerResponse response = ctx.response();
    StreamMeters.Streams meter = start(ctx, ndjson, meters);
    Promise<Void> done = Promise.promise();
    boolean[] first = {true};
    ctx.addEndHandler(ar -> {
      if (ar.failed()) {
        items.pause();
        done.tryFail("client went away");
      }
    });
    response.drainHandler(v -> items.resume());
    items.handler(item -> {
      response.write(separator(first, ndjson) + toJson.apply(item) + (ndjson ? "\n" : ""));
      if (response.writeQueueFull()) {
        meter.paused();
        items.pause();
      }
    });
    items.exceptionHandler(e -> {
      response.reset();
      done.tryFail(e);
    });
    items.endHandler(v -> response.end(ndjson ? "" : "]").onComplete(done::tryComplete, done::tryFail));
    return done.future();
  }

  private static StreamMeters.Streams start(RoutingContext ctx, boolean ndjson, StreamMeters meters) {
    StreamMeters.Streams meter = meters.of(ndjson ? StreamMeters.Kind.NDJSON : StreamMeters.Kind.JSON);
    meter.begin(ctx);
    HttpServerResponse response = ctx.response();
    response.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE,
        ndjson ? "application/x-ndjson" : "application/json");
    if (!ndjson) {
      response.write("[");
    }
    return meter;
  }

  private static String separator(boolean[] first, boolean ndjson) {
    if (ndjson || first[0]) {
      first[0] = false;
      return "";
    }
    return ",";
  }

  /** Pulls from an iterator while the response can take more. */
  private static final class IteratorPump<T> {
    private final HttpServerResponse response;
    private final Iterator<T> items;
    private final Function<T, String> toJson;
    private final boolean ndjson;
    private final Promise<Void> done;
    private final StreamMeters.Streams meter;
    private final boolean[] first = {true};

    IteratorPump(HttpServerResponse response, Iterator<T> items, Function<T, String> toJson, boolean ndjson,
        Promise<Void> done, StreamMeters.Streams meter) {
      this.response = response;
      this.items = items;
      this.toJson = toJson;
      this.ndjson = ndjson;
      this.done = done;
      this.meter = meter;
      response.drainHandler(v -> pump());
    }

    void pump() {
      StringBuilder batch = new StringBuilder(BATCH_BYTES + 256);
      while (items.hasNext() && !response.closed()) {
        batch.append(separator(first, ndjson)).append(toJson.apply(items.next()));
        if (ndjson) {
          batch.append('\n');
        }
        if (batch.length() >= BATCH_BYTES) {
          response.write(Buffer.buffer(batch.toString()));
          batch.setLength(0);
          if (response.writeQueueFull()) {
            meter.paused();
            return; // resumed by the drain handler
          }
        }
      }
      if (response.closed()) {
        return;
      }
      batch.append(ndjson ? "" : "]");
      response.end(Buffer.buffer(batch.toString())).onComplete(done::tryComplete, done::tryFail);
    }
  }
}
