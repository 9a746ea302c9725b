package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The resident set size the pressure levels read, parsed from /proc/self/status's bytes without text lines. */
class ResidentSetTest {

  private static final byte[] VM_RSS = "VmRSS:".getBytes(StandardCharsets.US_ASCII);

  private static long parse(String status) {
    byte[] bytes = status.getBytes(StandardCharsets.US_ASCII);
    return JvmSignals.kibibytesAfter(bytes, bytes.length, VM_RSS);
  }

  @Test
  void readsTheKibibytesAfterTheLabel() {
    assertThat(parse("Name:\tjava\nVmHWM:\t  99 kB\nVmRSS:\t  123456 kB\nRssAnon:\t 7 kB\n")).isEqualTo(123456);
    assertThat(parse("VmRSS: 42 kB")).isEqualTo(42);
  }

  @Test
  void aLabelOnlyCountsAtTheStartOfALine() {
    assertThat(parse("XVmRSS:\t 5 kB\nVmRSS:\t 6 kB\n")).isEqualTo(6);
  }

  @Test
  void aMissingOrCutFigureIsMinusOne() {
    assertThat(parse("Name:\tjava\nVmHWM:\t 99 kB\n")).isEqualTo(-1);
    assertThat(parse("Name:\tjava\nVmRSS:\t")).isEqualTo(-1);
    assertThat(parse("")).isEqualTo(-1);
  }

  @Test
  @EnabledOnOs(OS.LINUX)
  void agreesWithTheKernelsOwnLineAndFollowsIt() throws Exception {
    JvmSignals signals = new JvmSignals("");
    long before = signals.rss();
    long fromLines = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
        .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElseThrow();
    assertThat(before).isPositive().isCloseTo(fromLines, org.assertj.core.data.Percentage.withPercentage(10));
    // 64 MiB of fresh native memory, zeroed (so touched) as it is allocated: heap the JVM may already have touched
    // would not move the figure. A second read through the same kept buffer must see it.
    ByteBuffer held = ByteBuffer.allocateDirect(64 << 20);
    assertThat(signals.rss()).isGreaterThan(before + (32 << 20));
    assertThat(held.capacity()).isEqualTo(64 << 20);
  }
}
