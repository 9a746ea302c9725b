package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Level transitions on a synthetic signal with an injected clock: no wall-clock waits. */
class PressureEvaluatorTest {

  private static final long MB = 1 << 20;
  private long now;

  private static MemoryOptions options(String dwell) throws Exception {
    return BulwarkConfig.fromJson(new JsonObject().put("memory", new JsonObject()
        .put("minDwell", dwell).put("hysteresis", 0.05)
        .put("heap", new JsonObject().put("elevated", 0.70).put("critical", 0.85)))).memory();
  }

  private static MemorySignals heapAt(double fraction) {
    return new MemorySignals(0, 100 * MB, (long) (fraction * 100 * MB), 0, 100 * MB, 0, 0, 0, Double.NaN);
  }

  @Test
  void risesAtOnceToTheHighestLevelAnySignalReaches() throws Exception {
    PressureEvaluator e = new PressureEvaluator(options("2s"));
    assertThat(e.evaluate(heapAt(0.50), now)).isEqualTo(PressureLevel.NORMAL);
    assertThat(e.evaluate(heapAt(0.72), now)).isEqualTo(PressureLevel.ELEVATED);
    assertThat(e.evaluate(heapAt(0.90), now)).isEqualTo(PressureLevel.CRITICAL);
    PressureEvaluator direct = new PressureEvaluator(options("2s"));
    MemorySignals directHigh = new MemorySignals(0, 100 * MB, 10 * MB, 95 * MB, 100 * MB, 0, 0, 0, Double.NaN);
    assertThat(direct.evaluate(directHigh, now)).isEqualTo(PressureLevel.CRITICAL);
  }

  @Test
  void hysteresisHoldsALevelUntilTheSignalIsWellBelowItsThreshold() throws Exception {
    PressureEvaluator e = new PressureEvaluator(options("0s"));
    e.evaluate(heapAt(0.86), now);
    assertThat(e.evaluate(heapAt(0.82), now)).as("within hysteresis of 0.85").isEqualTo(PressureLevel.CRITICAL);
    assertThat(e.evaluate(heapAt(0.79), now)).isEqualTo(PressureLevel.ELEVATED);
    assertThat(e.evaluate(heapAt(0.66), now)).as("within hysteresis of 0.70").isEqualTo(PressureLevel.ELEVATED);
    assertThat(e.evaluate(heapAt(0.64), now)).isEqualTo(PressureLevel.NORMAL);
  }

  @Test
  void aLowerLevelIsTakenOnlyAfterItHeldForTheMinimumDwell() throws Exception {
    PressureEvaluator e = new PressureEvaluator(options("2s"));
    e.evaluate(heapAt(0.90), now);
    assertThat(e.evaluate(heapAt(0.10), now)).isEqualTo(PressureLevel.CRITICAL);
    now += TimeUnit.MILLISECONDS.toNanos(1999);
    assertThat(e.evaluate(heapAt(0.10), now)).isEqualTo(PressureLevel.CRITICAL);
    // A blip back up restarts the dwell.
    assertThat(e.evaluate(heapAt(0.86), now)).isEqualTo(PressureLevel.CRITICAL);
    now += TimeUnit.MILLISECONDS.toNanos(1);
    assertThat(e.evaluate(heapAt(0.10), now)).isEqualTo(PressureLevel.CRITICAL);
    now += TimeUnit.SECONDS.toNanos(2);
    assertThat(e.evaluate(heapAt(0.10), now)).isEqualTo(PressureLevel.NORMAL);
  }

  @Test
  void doesNotFlapOnASignalOscillatingAroundAThreshold() throws Exception {
    PressureEvaluator e = new PressureEvaluator(options("1s"));
    int changes = 0;
    PressureLevel last = PressureLevel.NORMAL;
    for (int i = 0; i < 100; i++) {
      now += TimeUnit.MILLISECONDS.toNanos(250);
      PressureLevel l = e.evaluate(heapAt(i % 2 == 0 ? 0.86 : 0.84), now);
      changes += l != last ? 1 : 0;
      last = l;
    }
    assertThat(changes).isEqualTo(1);
  }

  @Test
  void anInjectedValueReplacesEverySignal() throws Exception {
    PressureEvaluator e = new PressureEvaluator(options("0s"));
    MemorySignals injected = new MemorySignals(0, 100 * MB, 0, 0, 100 * MB, 0, 0, 0, 0.9);
    assertThat(e.evaluate(injected, now)).isEqualTo(PressureLevel.CRITICAL);
  }

  @Test
  void theMonitorTellsListenersOnceForEachChange() throws Exception {
    double[] fraction = {0.1};
    SignalSource source = () -> heapAt(fraction[0]);
    MemoryMonitor monitor = MemoryMonitor.manual(options("0s"), source, () -> now);
    java.util.List<PressureLevel> told = new java.util.ArrayList<>();
    monitor.addListener((level, signals) -> told.add(level));
    monitor.addListener((level, signals) -> {
      throw new IllegalStateException("a failing listener does not stop the others");
    });
    for (double f : new double[] {0.1, 0.75, 0.76, 0.9, 0.9, 0.5, 0.1}) {
      fraction[0] = f;
      monitor.sample();
    }
    assertThat(told).containsExactly(PressureLevel.ELEVATED, PressureLevel.CRITICAL, PressureLevel.NORMAL);
    assertThat(monitor.entered(PressureLevel.CRITICAL)).isEqualTo(1);
    monitor.close();
  }
}
