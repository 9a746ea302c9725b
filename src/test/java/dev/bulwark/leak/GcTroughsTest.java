package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The troughs of old-gen-after-GC readings, on the G1 shape measured on this JVM. */
class GcTroughsTest {

  private static List<Double> troughs(double... readings) {
    GcTroughs t = new GcTroughs();
    List<Double> found = new ArrayList<>();
    for (int i = 0; i < readings.length; i++) {
      double trough = t.accept(i * 1_000_000_000L, readings[i]);
      if (!Double.isNaN(trough)) {
        found.add(trough);
        assertThat(t.troughNanos()).isEqualTo((i - 1) * 1_000_000_000L);
      }
    }
    return found;
  }

  @Test
  void promotedGarbageClimbsButOnlyTheLowPointsAfterMixedCollectionsCount() {
    // Old gen after each G1 collection, MiB, as measured while 1 % of allocations were kept.
    assertThat(troughs(14.8, 29.6, 44.2, 59.2, 74.2, 89.1, 109.7, 134.6, 165.1, 194.8, 229.6, 81.4, 87.4, 115.3, 137.2,
        72.4, 76.7, 109.6, 133.4, 66.3, 197.2, 67.1, 58.2, 161.2))
        .containsExactly(81.4, 72.4, 66.3, 58.2);
  }

  @Test
  void aFallOverSeveralCollectionsGivesItsLowestPointOnce() {
    assertThat(troughs(100, 90, 80, 70, 75, 120, 60, 60, 61)).containsExactly(70.0, 60.0);
  }

  @Test
  void aSeriesThatOnlyRisesHasNoTrough() {
    assertThat(troughs(1, 2, 3, 4, 5)).isEmpty();
  }
}
