package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The trend math on synthetic series: what a leak looks like, and what must not look like one. */
class SignalWindowTest {

  private static final long SECOND = 1_000_000_000L;
  private static final double MIB = 1 << 20;

  private static SignalWindow window(int seconds) {
    return new SignalWindow(seconds * SECOND, 1024);
  }

  @Test
  void aSteadySeriesHasNoSlopeAndClaimsNoFit() {
    SignalWindow w = window(600);
    for (int s = 0; s < 120; s++) {
      w.add(s * 5 * SECOND, 50 * MIB);
    }
    SignalWindow.Trend t = w.fit();
    assertThat(t.slopePerSecond()).isZero();
    assertThat(t.r2()).isZero();
    assertThat(t.rising(1, 0.5)).isFalse();
  }

  @Test
  void aNoisyFlatHeapFitsBadly() {
    SignalWindow w = window(600);
    Random random = new Random(42);
    for (int s = 0; s < 120; s++) {
      w.add(s * 5 * SECOND, 50 * MIB + random.nextGaussian() * 8 * MIB); // a heap sawing around 50 MiB
    }
    SignalWindow.Trend t = w.fit();
    assertThat(t.r2()).isLessThan(0.3);
    assertThat(t.rising(16 * 1024, 0.8)).isFalse();
  }

  @Test
  void aSlowLeakUnderNoiseIsFoundWithItsRate() {
    SignalWindow w = window(600);
    Random random = new Random(7);
    double perSecond = 2 * MIB / 60; // 2 MiB a minute, the leak rate
    for (int s = 0; s < 120; s++) {
      w.add(s * 5 * SECOND, 50 * MIB + perSecond * s * 5 + random.nextGaussian() * 0.5 * MIB);
    }
    SignalWindow.Trend t = w.fit();
    assertThat(t.slopePerSecond()).isCloseTo(perSecond, within(perSecond * 0.1));
    assertThat(t.r2()).isGreaterThan(0.9);
    assertThat(t.growth()).isCloseTo(perSecond * 595, within(perSecond * 60));
    assertThat(t.rising(perSecond / 2, 0.8)).isTrue();
  }

  @Test
  void aSingleStepFitsWorseThanARampAndItsSlopeFallsOnceItLeavesTheWindow() {
    SignalWindow w = window(300);
    for (int s = 0; s <= 60; s++) {
      w.add(s * 5 * SECOND, s < 30 ? 50 * MIB : 80 * MIB); // a cache filling once, then flat
    }
    SignalWindow.Trend step = w.fit();
    assertThat(step.r2()).isLessThan(0.8);
    for (int s = 61; s <= 130; s++) {
      w.add(s * 5 * SECOND, 80 * MIB);
    }
    assertThat(w.fit().slopePerSecond()).as("flat once the step is out of the window").isZero();
  }

  @Test
  void theWindowKeepsOnlyItsSpanAndItsCapacity() {
    SignalWindow w = new SignalWindow(60 * SECOND, 8);
    for (int s = 0; s < 100; s++) {
      w.add(s * SECOND, s);
    }
    assertThat(w.size()).isEqualTo(8);
    SignalWindow.Trend t = w.fit();
    assertThat(t.slopePerSecond()).isCloseTo(1.0, within(1e-9));
    assertThat(t.r2()).isCloseTo(1.0, within(1e-9));
    SignalWindow spanBound = new SignalWindow(10 * SECOND, 1024);
    for (int s = 0; s < 100; s++) {
      spanBound.add(s * SECOND, s);
    }
    assertThat(spanBound.size()).isEqualTo(11);
    assertThat(new SignalWindow(SECOND, 4).fit()).as("no trend from nothing").isNull();
  }
}
