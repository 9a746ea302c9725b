package dev.bulwark.routes;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;

/**
 * Options of the article's leaky routes ({@code /lab/*}), off unless asked for, to show the guards at work. A new
 * object holds the defaults; every setter rejects a value outside its range with an {@link IllegalArgumentException}
 * naming the field.
 */
public final class LabOptions {

  public static final boolean DEFAULT_ENABLED = false;
  public static final int DEFAULT_MAX_KB = 1024;
  public static final int MIN_MAX_KB = 1;
  public static final int MAX_MAX_KB = 1 << 20;
  public static final long DEFAULT_MAX_LEAK_BYTES = 1L << 30;
  public static final long MIN_MAX_LEAK_BYTES = 1L << 10;
  public static final long MAX_MAX_LEAK_BYTES = 1L << 40;
  public static final int DEFAULT_MAX_LEAK_HANDLES = 10_000;
  public static final int MIN_MAX_LEAK_HANDLES = 1;
  public static final int MAX_MAX_LEAK_HANDLES = 10_000_000;

  private boolean enabled = DEFAULT_ENABLED;
  private int maxKb = DEFAULT_MAX_KB;
  private long maxLeakBytes = DEFAULT_MAX_LEAK_BYTES;
  private int maxLeakHandles = DEFAULT_MAX_LEAK_HANDLES;

  /** The defaults. */
  public LabOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public LabOptions(LabOptions other) {
    enabled = other.enabled;
    maxKb = other.maxKb;
    maxLeakBytes = other.maxLeakBytes;
    maxLeakHandles = other.maxLeakHandles;
  }

  public boolean enabled() {
    return enabled;
  }

  public LabOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  public int maxKb() {
    return maxKb;
  }

  public LabOptions setMaxKb(int maxKb) {
    Ranges.check(maxKb >= MIN_MAX_KB && maxKb <= MAX_MAX_KB, "maxKb", maxKb, MIN_MAX_KB + " to " + MAX_MAX_KB);
    this.maxKb = maxKb;
    return this;
  }

  public long maxLeakBytes() {
    return maxLeakBytes;
  }

  public LabOptions setMaxLeakBytes(long maxLeakBytes) {
    Ranges.check(maxLeakBytes >= MIN_MAX_LEAK_BYTES && maxLeakBytes <= MAX_MAX_LEAK_BYTES, "maxLeakBytes", maxLeakBytes,
        MIN_MAX_LEAK_BYTES + " to " + MAX_MAX_LEAK_BYTES);
    this.maxLeakBytes = maxLeakBytes;
    return this;
  }

  public int maxLeakHandles() {
    return maxLeakHandles;
  }

  public LabOptions setMaxLeakHandles(int maxLeakHandles) {
    this.maxLeakHandles = dev.bulwark.spi.Ranges.of("maxLeakHandles", maxLeakHandles, MIN_MAX_LEAK_HANDLES,
        MAX_MAX_LEAK_HANDLES);
    return this;
  }

  /** These options under the keys of the {@code lab} config section. */
  public JsonObject toJson() {
    return new JsonObject().put("enabled", enabled).put("maxKb", maxKb).put("maxLeakBytes", maxLeakBytes)
        .put("maxLeakHandles", maxLeakHandles);
  }
}
