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

  /** This process's cgroup (v2, else v1) memory limit in bytes, or 0 when there is none. */
  static long containerLimit() {
    List<String> cgroups;
    try {
      cgroups = Files.readAllLines(Path.of("/proc/self/cgroup"));
    } catch (IOException e) {
      cgroups = List.of();
    }
    return containerLimit(Path.of("/sys/fs/cgroup"), cgroups);
  }

  /**
   * The lowest memory limit from this process's own cgroup up to the root of the mounted hierarchy, or 0 when none is
   * set. In a container the mount's root is the container's own cgroup (a cgroup namespace or a bind mount), so the
   * root's file holds the limit; a service under systemd sees the whole hierarchy, and its {@code MemoryMax=} is in the
   * file at its own path ({@code system.slice/bulwark.service/memory.max}), a slice's limit in a parent's.
   *
   * @param root where the hierarchies are mounted ({@code /sys/fs/cgroup})
   * @param cgroups the lines of {@code /proc/self/cgroup}
   */
  static long containerLimit(Path root, List<String> cgroups) {
    for (String[] layout : new String[][] {{"", "memory.max"}, {"memory", "memory.limit_in_bytes"}}) {
      for (String line : cgroups) {
        String[] fields = line.split(":", 3);
        boolean v2 = layout[0].isEmpty();
        if (fields.length == 3 && (v2 ? fields[0].equals("0") && fields[1].isEmpty()
            : List.of(fields[1].split(",")).contains("memory"))) {
          long limit = lowestLimit(root.resolve(layout[0]), fields[2], layout[1]);
          if (limit > 0) {
            return limit;
          }
        }
      }
    }
    return 0;
  }

  /** The lowest number in {@code file} from {@code base/own} up to {@code base}; 0 when no directory sets one. */
  private static long lowestLimit(Path base, String own, String file) {
    long lowest = 0;
    for (Path dir = base.resolve(own.replaceFirst("^/+", "")).normalize(); dir != null && dir.startsWith(base);
        dir = dir.getParent()) {
      try {
        String text = Files.readString(dir.resolve(file)).trim();
        long limit = text.equals("max") ? 0 : Long.parseLong(text);
        if (limit > 0 && limit < UNLIMITED && (lowest == 0 || limit < lowest)) {
          lowest = limit;
        }
      } catch (IOException | NumberFormatException e) {
        // not set at this level, or not a cgroup directory here (the own path is outside a container's mount)
      }
    }
    return lowest;
  }
}
