package dev.bulwark.memory;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signals from the JVM's management beans, Netty's direct-memory counter, {@code /proc/self/status} and the cgroup
 * memory limit. The heap figure is what the last GC left (fed by GC notifications), never current use, which
 * includes garbage. Read on the memory monitor's thread: the file reads here never touch an event loop.
 */
final class JvmSignals implements SignalSource {

  private static final Logger LOG = LoggerFactory.getLogger(JvmSignals.class);
  private static final long UNLIMITED = 1L << 62;
  private static final Path STATUS = Path.of("/proc/self/status");

  private final long containerLimit = containerLimit();
  private final Path injectFile;
  private volatile long heapAfterGc;
  private boolean injectWarned;

  JvmSignals(String injectFile) {
    this.injectFile = injectFile.isEmpty() ? null : Path.of(injectFile);
  }

  @Override
  public void afterGc(long heapAfterGc) {
    this.heapAfterGc = heapAfterGc;
  }

  @Override
  public MemorySignals read() {
    MemorySnapshot jvm = MemorySnapshot.take();
    return new MemorySignals(jvm.heapUsed(), jvm.heapMax(), heapAfterGc, jvm.directUsed(),
        PlatformDependent.maxDirectMemory(), rss(), containerLimit, jvm.metaspaceUsed(), injected());
  }

  private double injected() {
    if (injectFile == null || !Files.exists(injectFile)) {
      return Double.NaN;
    }
    try {
      double value = Double.parseDouble(Files.readString(injectFile).trim());
      if (value >= 0 && value <= 1) {
        return value;
      }
    } catch (IOException | NumberFormatException e) {
      // reported below
    }
    if (!injectWarned) {
      injectWarned = true;
      LOG.warn("memory.injectFile {} does not hold a number from 0 to 1; ignored", injectFile);
    }
    return Double.NaN;
  }

  /** Resident set size in bytes from /proc, or -1 where there is none. */
  private static long rss() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  /** The cgroup (v2, else v1) memory limit in bytes, or 0 when there is none. */
  static long containerLimit() {
    for (Path p : List.of(Path.of("/sys/fs/cgroup/memory.max"),
        Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"))) {
      try {
        String text = Files.readString(p).trim();
        if (!text.equals("max")) {
          long limit = Long.parseLong(text);
          return limit >= UNLIMITED ? 0 : limit;
        }
        return 0;
      } catch (IOException | NumberFormatException e) {
        // try the next layout
      }
    }
    return 0;
  }
}
