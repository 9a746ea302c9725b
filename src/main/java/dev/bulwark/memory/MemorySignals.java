package dev.bulwark.memory;

import io.vertx.core.json.JsonObject;

/**
 * One reading of the signals that say how close the process is to running out of memory: heap after the last GC
 * (what is really live, not the sawtooth of current use), direct memory, and RSS against the container limit. Sizes
 * in bytes; a limit of 0 means none is known. {@code injected} is the drill value from {@code memory.injectFile}, or
 * NaN.
 */
public record MemorySignals(long heapUsed, long heapMax, long heapAfterGc, long directUsed, long directMax, long rss,
    long containerLimit, long metaspaceUsed, double injected) {

  public double heapFraction() {
    return Double.isNaN(injected) ? ratio(heapAfterGc, heapMax) : injected;
  }

  public double directFraction() {
    return Double.isNaN(injected) ? ratio(directUsed, directMax) : injected;
  }

  public double rssFraction() {
    return Double.isNaN(injected) ? ratio(rss, containerLimit) : injected;
  }

  private static double ratio(long used, long limit) {
    return limit <= 0 || used < 0 ? 0 : (double) used / limit;
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("heapUsed", heapUsed)
        .put("heapMax", heapMax)
        .put("heapAfterGc", heapAfterGc)
        .put("directUsed", directUsed)
        .put("directMax", directMax)
        .put("rss", rss)
        .put("containerLimit", containerLimit)
        .put("metaspaceUsed", metaspaceUsed)
        .put("heapFraction", round(heapFraction()))
        .put("directFraction", round(directFraction()))
        .put("rssFraction", round(rssFraction()))
        .put("injected", Double.isNaN(injected) ? null : injected);
  }

  private static double round(double f) {
    return Math.round(f * 1000) / 1000.0;
  }
}
