package dev.bulwark.routes;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;

/** The {@code lab} section: the article's leaky routes, off unless asked for, to show the guards at work. */
public final class LabOptions {

  public static final int DEFAULT_MAX_KB = 1024;
  public static final long DEFAULT_MAX_LEAK_BYTES = 1L << 30;

  private final boolean enabled;
  private final int maxKb;
  private final long maxLeakBytes;

  public LabOptions(Section s) throws ConfigException {
    enabled = s.bool("enabled", false, "Serves `/lab/*` (deliberate leaks for demos and drills); 404 otherwise.");
    maxKb = s.integer("maxKb", DEFAULT_MAX_KB, 1, 1 << 20, "Largest `kb` one `/lab/leak/bytes` call may keep.");
    maxLeakBytes = s.size("maxLeakBytes", DEFAULT_MAX_LEAK_BYTES, 1L << 10, 1L << 40,
        "Most bytes the lab leak may hold in all; past it the call is refused (the pressure guard acts long before).");
  }

  public boolean enabled() {
    return enabled;
  }

  public int maxKb() {
    return maxKb;
  }

  public long maxLeakBytes() {
    return maxLeakBytes;
  }
}
