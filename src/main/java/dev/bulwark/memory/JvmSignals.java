package dev.bulwark.memory;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
  private static final byte[] VM_RSS = "VmRSS:".getBytes(StandardCharsets.US_ASCII);
  /** /proc/self/status is about 1.5 KB; VmRSS is in its first half. */
  private static final int STATUS_BYTES = 8192;
  /** A KiB count of up to 15 digits fits a long with room to spare. */
  private static final int MAX_DIGITS = 15;

  private final long containerLimit = containerLimit();
  private final Path injectFile;
  private final ByteBuffer statusBuffer = ByteBuffer.allocate(STATUS_BYTES);
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

  /**
   * Resident set size in bytes from /proc, or -1 where there is none. The monitor reads it every sample, so the file
   * goes into a buffer kept between reads and the figure is parsed from the bytes: reading it as lines of text cost
   * about 30 KB per sample, most of what an idle server allocated.
   */
  long rss() {
    ByteBuffer buffer = statusBuffer.clear();
    try (FileChannel status = FileChannel.open(STATUS, StandardOpenOption.READ)) {
      while (buffer.hasRemaining() && status.read(buffer) > 0) {
        // a line at a time, as the kernel gives it
      }
    } catch (IOException e) {
      return -1;
    }
    long kib = kibibytesAfter(buffer.array(), buffer.position(), VM_RSS);
    return kib < 0 ? -1 : kib * 1024;
  }

  /** The number after {@code label} (at a line's start) and its blanks in {@code bytes[0, end)}, or -1 if absent. */
  static long kibibytesAfter(byte[] bytes, int end, byte[] label) {
    int at = indexOf(bytes, end, label);
    if (at < 0) {
      return -1;
    }
    int i = at + label.length;
    while (i < end && (bytes[i] == ' ' || bytes[i] == '\t')) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end && bytes[i] >= '0' && bytes[i] <= '9' && digits < MAX_DIGITS; i++, digits++) {
      value = value * 10 + (bytes[i] - '0');
    }
    return digits == 0 ? -1 : value;
  }

  private static int indexOf(byte[] bytes, int end, byte[] label) {
    outer:
    for (int i = 0; i + label.length <= end; i++) {
      for (int j = 0; j < label.length; j++) {
        if (bytes[i + j] != label[j]) {
          continue outer;
        }
      }
      if (i == 0 || bytes[i - 1] == '\n') {
        return i;
      }
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
