package dev.bulwark.stream;

import dev.bulwark.spi.ApiError;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.vertx.core.AsyncResult;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * The meters of what this package sends and receives: streamed responses by {@link Kind} (begun, body bytes, waits for
 * the client to drain, streams cut before their end) and uploads by outcome (with the bytes stored and the uploads in
 * progress). Every tag comes from a fixed set, never from a request. Counters are resolved once, when the meters are
 * registered; recording is an increment of a striped adder, never a lookup. {@link #NONE} records nothing: for
 * streams a server does not own (a module's own, a test's router).
 */
public final class StreamMeters {

  /** What a streamed response carries; each is one {@code kind} tag. */
  public enum Kind {
    /** A JSON array, item by item. */
    JSON,
    /** Newline-delimited JSON. */
    NDJSON,
    /** A file found under a root (ranges, gzip). */
    FILE,
    /** A stored upload, sent back whole. */
    UPLOAD;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  /** How an upload ended; each is one {@code outcome} tag. */
  enum UploadOutcome {
    STORED, TOO_LARGE, BAD_REQUEST, INSUFFICIENT_STORAGE, ABORTED, FAILED;

    final String tag = name().toLowerCase(Locale.ROOT);

    /** The outcome of an upload refused or failed with {@code error}. */
    static UploadOutcome of(ApiError error) {
      return switch (error.status()) {
        case 413 -> TOO_LARGE;
        case 400 -> BAD_REQUEST;
        case 507 -> INSUFFICIENT_STORAGE;
        default -> FAILED;
      };
    }
  }

  /** Meters that record nothing. */
  public static final StreamMeters NONE = new StreamMeters(null);

  private final Streams[] streams = new Streams[Kind.values().length];
  private final Counter[] uploads = new Counter[UploadOutcome.values().length];
  private final Counter uploadBytes;
  private final LongAdder uploadsInProgress = new LongAdder();

  private StreamMeters(MeterRegistry registry) {
    for (Kind kind : Kind.values()) {
      streams[kind.ordinal()] = new Streams(registry, kind.tag);
    }
    for (UploadOutcome outcome : UploadOutcome.values()) {
      uploads[outcome.ordinal()] = counter(registry, "bulwark.uploads", "Uploads ended, by outcome",
          Tags.of("outcome", outcome.tag), null);
    }
    uploadBytes = counter(registry, "bulwark.upload.bytes", "Bytes of uploaded files stored (whole uploads only)",
        Tags.empty(), BaseUnits.BYTES);
    if (registry != null) {
      Gauge.builder("bulwark.uploads.in.progress", uploadsInProgress, LongAdder::sum)
          .description("Uploads being received now").register(registry);
    }
  }

  /**
   * Registers the stream and upload meters in {@code registry}, once per registry (a second set would read the
   * first one's uploads-in-progress gauge).
   */
  public static StreamMeters register(MeterRegistry registry) {
    return new StreamMeters(registry);
  }

  Streams of(Kind kind) {
    return streams[kind.ordinal()];
  }

  void uploadStarted() {
    uploadsInProgress.increment();
  }

  /** Called exactly once per started upload; {@code storedBytes} counts only when it was stored. */
  void uploadEnded(UploadOutcome outcome, long storedBytes) {
    uploadsInProgress.decrement();
    uploads[outcome.ordinal()].increment();
    if (outcome == UploadOutcome.STORED) {
      uploadBytes.increment(storedBytes);
    }
  }

  /** An upload refused before it started (not multipart): counted, never in progress. */
  void uploadNotStarted(UploadOutcome outcome) {
    uploads[outcome.ordinal()].increment();
  }

  private static Counter counter(MeterRegistry registry, String name, String help, Tags tags, String unit) {
    if (registry == null) {
      return new NoopCounter(new Meter.Id(name, tags, unit, help, Meter.Type.COUNTER));
    }
    return Counter.builder(name).tags(tags).baseUnit(unit).description(help).register(registry);
  }

  /** The meters of one kind of streamed response. */
  static final class Streams {
    private final Counter responses;
    private final Counter bytes;
    private final Counter pauses;
    private final Counter aborted;

    private Streams(MeterRegistry registry, String kind) {
      Tags tags = Tags.of("kind", kind);
      responses = counter(registry, "bulwark.stream.responses", "Streamed responses begun", tags, null);
      bytes = counter(registry, "bulwark.stream.bytes", "Body bytes of streamed responses sent to their end", tags,
          BaseUnits.BYTES);
      pauses = counter(registry, "bulwark.stream.backpressure.pauses",
          "Times a stream stopped to wait for the client to drain its queue", tags, null);
      aborted = counter(registry, "bulwark.stream.aborted",
          "Streamed responses cut before their end (the client went away)", tags, null);
    }

    /** A streamed response of {@code ctx} begins: counted now, its bytes and how it ended when it ends. */
    void begin(RoutingContext ctx) {
      responses.increment();
      ctx.addEndHandler(ar -> ended(ctx, ar));
    }

    /**
     * The response has ended: sent whole, its body bytes count; cut, it counts as aborted and adds no bytes (what a
     * zero-copy send handed over before the cut is not known: Vert.x counts the whole file as written at once).
     */
    private void ended(RoutingContext ctx, AsyncResult<Void> end) {
      if (end.succeeded()) {
        bytes.increment(ctx.response().bytesWritten());
      } else {
        aborted.increment();
      }
    }

    void paused() {
      pauses.increment();
    }
  }
}
