package dev.bulwark.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The main port's admission, one {@link AdmissionHandler} per event loop, each admitting its even share of
 * {@code http.maxConcurrentRequests}; with the {@code http} status section and the in-flight and rejected meters.
 */
final class Admissions {

  private final List<AdmissionHandler> handlers = new ArrayList<>();
  private final Iterator<AdmissionHandler> next;
  private final int maxInFlight;

  Admissions(int maxInFlight, int eventLoops, Runnable onReject) {
    this.maxInFlight = maxInFlight;
    int perLoop = (maxInFlight + eventLoops - 1) / eventLoops;
    for (int i = 0; i < eventLoops; i++) {
      handlers.add(AdmissionHandler.create(perLoop, onReject));
    }
    this.next = handlers.iterator();
  }

  /** The handler of the next event loop's verticle; one each. */
  synchronized AdmissionHandler next() {
    return next.next();
  }

  int inFlight() {
    return handlers.stream().mapToInt(AdmissionHandler::inFlight).sum();
  }

  long rejected() {
    return handlers.stream().mapToLong(AdmissionHandler::rejected).sum();
  }

  /** The {@code http} section of {@code /admin/status}. */
  JsonObject toJson() {
    return new JsonObject().put("inFlight", inFlight()).put("maxInFlight", maxInFlight).put("rejected", rejected());
  }

  void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.http.in.flight", this, Admissions::inFlight)
        .description("Requests in progress on the main port").register(registry);
    FunctionCounter.builder("bulwark.http.rejected", this, Admissions::rejected)
        .description("Requests refused: overloaded at admission, or malformed by reason").tag("reason", "overloaded")
        .register(registry);
  }
}
