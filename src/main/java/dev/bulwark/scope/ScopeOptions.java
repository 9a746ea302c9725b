package dev.bulwark.scope;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Options of the scopes: what one request or verticle may own at once, and the leak-site diagnostic. A new object
 * holds the defaults; every setter rejects a value outside its range with an {@link IllegalArgumentException} naming
 * the field.
 */
public final class ScopeOptions {

  public static final int DEFAULT_MAX_TIMERS = 64;
  public static final int DEFAULT_MAX_CONSUMERS = 64;
  public static final int DEFAULT_MAX_RESOURCES = 64;
  public static final int DEFAULT_MAX_ATTACHMENTS = 64;
  /** The least and the most any per-request limit (timers, consumers, resources, attachments) may be set to. */
  public static final int MIN_REQUEST_LIMIT = 1;
  public static final int MAX_REQUEST_LIMIT = 100_000;
  public static final int DEFAULT_MAX_VERTICLE_RESOURCES = 4096;
  public static final int MIN_MAX_VERTICLE_RESOURCES = 1;
  public static final int MAX_MAX_VERTICLE_RESOURCES = 1_000_000;
  public static final String TRACK_OFF = "off";
  public static final String TRACK_SAMPLED = "sampled";
  public static final String TRACK_ALL = "all";
  public static final List<String> TRACK_MODES = List.of(TRACK_OFF, TRACK_SAMPLED, TRACK_ALL);
  public static final String DEFAULT_TRACK_SITES = TRACK_SAMPLED;
  public static final int DEFAULT_SAMPLE_INTERVAL = 128;
  public static final int MIN_SAMPLE_INTERVAL = 1;
  public static final int MAX_SAMPLE_INTERVAL = 1_000_000;
  public static final int DEFAULT_MAX_SITES = 256;
  public static final int MIN_MAX_SITES = 1;
  public static final int MAX_MAX_SITES = 100_000;

  private int maxTimers = DEFAULT_MAX_TIMERS;
  private int maxConsumers = DEFAULT_MAX_CONSUMERS;
  private int maxResources = DEFAULT_MAX_RESOURCES;
  private int maxAttachments = DEFAULT_MAX_ATTACHMENTS;
  private int maxVerticleResources = DEFAULT_MAX_VERTICLE_RESOURCES;
  private String trackSites = DEFAULT_TRACK_SITES;
  private int sampleInterval = DEFAULT_SAMPLE_INTERVAL;
  private int maxSites = DEFAULT_MAX_SITES;

  /** The defaults. */
  public ScopeOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public ScopeOptions(ScopeOptions other) {
    maxTimers = other.maxTimers;
    maxConsumers = other.maxConsumers;
    maxResources = other.maxResources;
    maxAttachments = other.maxAttachments;
    maxVerticleResources = other.maxVerticleResources;
    trackSites = other.trackSites;
    sampleInterval = other.sampleInterval;
    maxSites = other.maxSites;
  }

  public int maxTimers() {
    return maxTimers;
  }

  public ScopeOptions setMaxTimers(int maxTimers) {
    this.maxTimers = requestLimit("maxTimers", maxTimers);
    return this;
  }

  public int maxConsumers() {
    return maxConsumers;
  }

  public ScopeOptions setMaxConsumers(int maxConsumers) {
    this.maxConsumers = requestLimit("maxConsumers", maxConsumers);
    return this;
  }

  public int maxResources() {
    return maxResources;
  }

  public ScopeOptions setMaxResources(int maxResources) {
    this.maxResources = requestLimit("maxResources", maxResources);
    return this;
  }

  public int maxAttachments() {
    return maxAttachments;
  }

  public ScopeOptions setMaxAttachments(int maxAttachments) {
    this.maxAttachments = requestLimit("maxAttachments", maxAttachments);
    return this;
  }

  public int maxVerticleResources() {
    return maxVerticleResources;
  }

  public ScopeOptions setMaxVerticleResources(int maxVerticleResources) {
    this.maxVerticleResources = Ranges.of("maxVerticleResources", maxVerticleResources, MIN_MAX_VERTICLE_RESOURCES,
        MAX_MAX_VERTICLE_RESOURCES);
    return this;
  }

  /** One of {@link #TRACK_MODES}: {@code off}, {@code sampled} or {@code all}. */
  public String trackSites() {
    return trackSites;
  }

  /** One of {@link #TRACK_MODES}, in any case; kept as listed there. */
  public ScopeOptions setTrackSites(String trackSites) {
    for (String mode : TRACK_MODES) {
      if (mode.equalsIgnoreCase(trackSites)) {
        this.trackSites = mode;
        return this;
      }
    }
    throw new IllegalArgumentException("trackSites = " + trackSites + ": expected one of "
        + String.join(", ", TRACK_MODES));
  }

  public int sampleInterval() {
    return sampleInterval;
  }

  public ScopeOptions setSampleInterval(int sampleInterval) {
    this.sampleInterval = Ranges.of("sampleInterval", sampleInterval, MIN_SAMPLE_INTERVAL, MAX_SAMPLE_INTERVAL);
    return this;
  }

  public int maxSites() {
    return maxSites;
  }

  public ScopeOptions setMaxSites(int maxSites) {
    this.maxSites = Ranges.of("maxSites", maxSites, MIN_MAX_SITES, MAX_MAX_SITES);
    return this;
  }

  /** These options under the keys of the {@code scope} config section. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("maxTimers", maxTimers)
        .put("maxConsumers", maxConsumers)
        .put("maxResources", maxResources)
        .put("maxAttachments", maxAttachments)
        .put("maxVerticleResources", maxVerticleResources)
        .put("trackSites", trackSites)
        .put("sampleInterval", sampleInterval)
        .put("maxSites", maxSites);
  }

  private static int requestLimit(String field, int value) {
    return Ranges.of(field, value, MIN_REQUEST_LIMIT, MAX_REQUEST_LIMIT);
  }
}
