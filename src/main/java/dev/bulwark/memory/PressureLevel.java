package dev.bulwark.memory;

import io.vertx.ext.web.RoutingContext;

/** How close the process is to running out of memory: the state every pressure action keys on. */
public enum PressureLevel {
  NORMAL, ELEVATED, CRITICAL;

  /** Where {@link PressureHandler} marks a request served while pressure is above NORMAL. */
  public static final String CONTEXT_KEY = "bulwark.pressure";

  /** The level a request was admitted under: critical routes use it to answer in a degraded way. */
  public static PressureLevel of(RoutingContext ctx) {
    PressureLevel level = ctx.get(CONTEXT_KEY);
    return level == null ? NORMAL : level;
  }
}
