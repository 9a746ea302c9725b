package dev.bulwark.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests refused because of what the client sent, counted by reason ({@code bulwark_http_rejected_total{reason}},
 * besides the admission's {@code overloaded}) and summed up in at most one WARN line a minute: a client can make the
 * counters grow, never the log.
 */
final class RejectedRequests {

  private static final Logger LOG = LoggerFactory.getLogger(RejectedRequests.class);
  private static final long SUMMARY_EVERY_NANOS = 60_000_000_000L;

  /** Why a request was refused; each is one {@code reason} tag. */
  enum Reason {
    BAD_PATH, BAD_HOST, MALFORMED, URI_TOO_LONG, HEADERS_TOO_LARGE, TRANSFER_CODING, LENGTH_AND_CHUNKED, EXPECTATION,
    CHUNK_FRAMING, VERSION;

    final String tag = name().toLowerCase(Locale.ROOT);
  }

  private final LongAdder[] counts = new LongAdder[Reason.values().length];
  private final LongSupplier nanoClock;
  private final AtomicLong lastSummary;
  private final LongAdder sinceSummary = new LongAdder();

  RejectedRequests(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
    this.lastSummary = new AtomicLong(nanoClock.getAsLong());
    for (int i = 0; i < counts.length; i++) {
      counts[i] = new LongAdder();
    }
  }

  void record(Reason reason) {
    counts[reason.ordinal()].increment();
    sinceSummary.increment();
    long now = nanoClock.getAsLong();
    long last = lastSummary.get();
    if (now - last >= SUMMARY_EVERY_NANOS && lastSummary.compareAndSet(last, now)) {
      LOG.warn("Refused {} malformed requests in the last {} s (by reason: {})", sinceSummary.sumThenReset(),
          (now - last) / 1_000_000_000L, toJson().encode());
    }
  }

  long count(Reason reason) {
    return counts[reason.ordinal()].sum();
  }

  /** Counts by reason, for the {@code http} status section. */
  JsonObject toJson() {
    JsonObject json = new JsonObject();
    for (Reason reason : Reason.values()) {
      json.put(reason.tag, count(reason));
    }
    return json;
  }

  void bindTo(MeterRegistry registry) {
    for (Reason reason : Reason.values()) {
      FunctionCounter.builder("bulwark.http.rejected", this, r -> r.count(reason))
          .description("Requests refused: overloaded at admission, or malformed by reason").tag("reason", reason.tag)
          .register(registry);
    }
  }
}
