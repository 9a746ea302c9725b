package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A baseline held as text: its own string and bytes are taken out of the growth it is diffed to. */
class HistogramBaselineTest {

  private static final String BEFORE = """
         1:          1000        100000  [B (java.base@17.0.15)
         2:           500         12000  java.lang.String (java.base@17.0.15)
      Total          1500        112000
      """;

  @Test
  void theBaselinesOwnTextIsNotGrowth() {
    HistogramBaseline baseline = new HistogramBaseline(BEFORE, 1);
    long text = (16 + BEFORE.length() + 7) & ~7L;
    ClassHistogram after = ClassHistogram.parse("""
           1:          1001   %d  [B (java.base@17.0.15)
           2:           501         12024  java.lang.String (java.base@17.0.15)
           3:             1            24  dev.bulwark.leak.HistogramBaseline
        """.formatted(100000 + text), 2);
    HistogramDiff diff = baseline.diff(after);
    assertThat(diff.get("[B").bytesGrowth()).isZero();
    assertThat(diff.get("[B").instancesGrowth()).isZero();
    assertThat(diff.get("java.lang.String").bytesGrowth()).isZero();
    assertThat(diff.topByBytes(10)).isEmpty();
  }

  @Test
  void realGrowthStillShows() {
    HistogramBaseline baseline = new HistogramBaseline(BEFORE, 1);
    ClassHistogram after = ClassHistogram.parse("""
           1:         41000       5100000  com.example.Leaky
           2:          1000        100000  [B (java.base@17.0.15)
        """, 2);
    assertThat(baseline.diff(after).topByBytes(1).get(0).name()).isEqualTo("com.example.Leaky");
  }
}
