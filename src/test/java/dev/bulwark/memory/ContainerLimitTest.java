package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container limit the rss signal divides by, found the way each deployment lays out cgroups: real files in a
 * directory standing for {@code /sys/fs/cgroup}, and the lines {@code /proc/self/cgroup} would hold.
 */
class ContainerLimitTest {

  private static final long GIB = 1L << 30;

  @TempDir
  Path root;

  @Test
  void aSystemdServiceFindsItsMemoryMaxAtItsOwnPath() throws IOException {
    write("memory.max", null); // the root cgroup of a v2 host has no memory.max
    write("system.slice/memory.max", "max");
    write("system.slice/bulwark.service/memory.max", Long.toString(2 * GIB));
    assertThat(JvmSignals.containerLimit(root, List.of("0::/system.slice/bulwark.service"))).isEqualTo(2 * GIB);
  }

  @Test
  void aSliceLimitLowerThanTheServiceIsTheOneThatHolds() throws IOException {
    write("system.slice/memory.max", Long.toString(GIB));
    write("system.slice/bulwark.service/memory.max", Long.toString(2 * GIB));
    assertThat(JvmSignals.containerLimit(root, List.of("0::/system.slice/bulwark.service"))).isEqualTo(GIB);
  }

  @Test
  void aContainerWithItsOwnCgroupNamespaceHasTheLimitAtTheRoot() throws IOException {
    write("memory.max", Long.toString(GIB));
    assertThat(JvmSignals.containerLimit(root, List.of("0::/"))).isEqualTo(GIB);
  }

  @Test
  void aV1ContainerWhoseOwnPathIsNotMountedReadsTheMountedRoot() throws IOException {
    write("memory/memory.limit_in_bytes", Long.toString(GIB));
    List<String> cgroups = List.of("12:cpu,cpuacct:/docker/abc", "4:memory:/docker/abc", "0::/system.slice/x");
    assertThat(JvmSignals.containerLimit(root, cgroups)).isEqualTo(GIB);
  }

  @Test
  void noLimitAnywhereIsZero() throws IOException {
    write("memory.max", "max");
    write("memory/memory.limit_in_bytes", "9223372036854771712"); // v1's "unlimited"
    assertThat(JvmSignals.containerLimit(root, List.of("4:memory:/", "0::/"))).isZero();
    assertThat(JvmSignals.containerLimit(root, List.of())).isZero();
  }

  /** Writes {@code text} to {@code relative} under the root, or only makes its directory when text is null. */
  private void write(String relative, String text) throws IOException {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    if (text != null) {
      Files.writeString(file, text + "\n");
    }
  }
}
