package dev.bulwark.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Records {@code http_server_requests_seconds} per method, route template and status when a request ends, however it
 * ends ({@code status="closed"} when the client went away first). Meters are resolved once per route and status and
 * then reused, so the hot path does a clock read and an identity lookup. Route labels are templates such as
 * {@code /cache/:name/:key}, never raw paths; requests no route matched are labelled {@code none}. One handler serves
 * one event loop: it is not thread-safe.
 */
public interface RequestMetricsHandler extends Handler<RoutingContext> {

  String METER_NAME = "http.server.requests";

  static RequestMetricsHandler create(MeterRegistry registry) {
    return new RequestMetricsHandlerImpl(registry);
  }
}
