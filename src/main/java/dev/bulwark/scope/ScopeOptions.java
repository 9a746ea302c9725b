package dev.bulwark.scope;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;
import java.util.List;

/** The {@code scope} section: what one request may own at once, and the leak-site diagnostic. */
public final class ScopeOptions {

  public static final int DEFAULT_MAX_TIMERS = 64;
  public static final int DEFAULT_MAX_CONSUMERS = 64;
  public static final int DEFAULT_MAX_RESOURCES = 64;
  public static final int DEFAULT_MAX_ATTACHMENTS = 64;
  public static final int DEFAULT_MAX_VERTICLE_RESOURCES = 4096;
  public static final String TRACK_OFF = "off";
  public static final String TRACK_SAMPLED = "sampled";
  public static final String TRACK_ALL = "all";
  public static final String DEFAULT_TRACK_SITES = TRACK_SAMPLED;
  public static final int DEFAULT_SAMPLE_INTERVAL = 128;
  public static final int DEFAULT_MAX_SITES = 256;

  private final int maxTimers;
  private final int maxConsumers;
  private final int maxResources;
  private final int maxAttachments;
  private final int maxVerticleResources;
  private final String trackSites;
  private final int sampleInterval;
  private final int maxSites;

  public ScopeOptions(Section s) throws ConfigException {
    maxTimers = s.integer("maxTimers", DEFAULT_MAX_TIMERS, 1, 100_000,
        "Timers (one-shot and periodic) one request may hold at once; past it: 500 `scope_limit`.");
    maxConsumers = s.integer("maxConsumers", DEFAULT_MAX_CONSUMERS, 1, 100_000,
        "Event-bus consumers one request may hold at once; past it: 500 `scope_limit`.");
    maxResources = s.integer("maxResources", DEFAULT_MAX_RESOURCES, 1, 100_000,
        "Other resources (listener registrations, files, closeables) one request may hold at once; past it: 500 "
            + "`scope_limit`.");
    maxAttachments = s.integer("maxAttachments", DEFAULT_MAX_ATTACHMENTS, 1, 100_000,
        "Attachments (per-request data) one request may hold.");
    maxVerticleResources = s.integer("maxVerticleResources", DEFAULT_MAX_VERTICLE_RESOURCES, 1, 1_000_000,
        "Resources one verticle or route module may hold in its long-lived scope.");
    trackSites = s.choice("trackSites", DEFAULT_TRACK_SITES, List.of(TRACK_OFF, TRACK_SAMPLED, TRACK_ALL),
        "Remember where scoped resources are made and count, per site, those the scope had to release: off, "
            + "sampled (one in `scope.sampleInterval`) or all.");
    sampleInterval = s.integer("sampleInterval", DEFAULT_SAMPLE_INTERVAL, 1, 1_000_000,
        "With `trackSites: sampled`, one resource in this many has its creation site recorded.");
    maxSites = s.integer("maxSites", DEFAULT_MAX_SITES, 1, 100_000,
        "Distinct creation sites remembered; further sites are counted together as `other`.");
  }

  public int maxTimers() {
    return maxTimers;
  }

  public int maxConsumers() {
    return maxConsumers;
  }

  public int maxResources() {
    return maxResources;
  }

  public int maxAttachments() {
    return maxAttachments;
  }

  public int maxVerticleResources() {
    return maxVerticleResources;
  }

  /** {@code off}, {@code sampled} or {@code all}. */
  public String trackSites() {
    return trackSites;
  }

  public int sampleInterval() {
    return sampleInterval;
  }

  public int maxSites() {
    return maxSites;
  }
}
