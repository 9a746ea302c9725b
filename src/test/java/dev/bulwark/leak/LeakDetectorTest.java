package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.leak.HandleProbes.Probe;
import dev.bulwark.leak.TrackedSignal.Unit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The detector on synthetic signals and a manual clock: no thread, no sleep. A window of 60 s sampled every second,
 * warm-up 10 s, growth of 1 MiB (bytes) or 50 (counts) per window to suspect, and since then to call it a leak.
 */
class LeakDetectorTest {

  private static final long SECOND = 1_000_000_000L;
  private static final long MIB = 1 << 20;
  private static final String BASELINE = """
      num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:          1000        100000  [B (java.base@17.0.15)
         2:           500         12000  java.lang.String (java.base@17.0.15)
      Total          1500        112000
      """;
  private static final String GROWN = """
      num     #instances         #bytes  class name (module)
      -------------------------------------------------------
         1:         41000       5100000  com.example.Leaky
         2:          1001        100000  [B (java.base@17.0.15)
         3:           501         12024  java.lang.String (java.base@17.0.15)
      Total         42502       5212024
      """;

  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final AtomicLong handles = new AtomicLong(100);
  private final AtomicInteger baselines = new AtomicInteger();
  private final AtomicInteger gcs = new AtomicInteger();
  private final AtomicInteger dumps = new AtomicInteger();
  private final List<JsonObject> published = new ArrayList<>();
  private final HeapFloor floor = new HeapFloor(now::get);

  private LeakOptions options() {
    return new LeakOptions().setSampleInterval(Duration.ofSeconds(1)).setWindow(Duration.ofSeconds(60))
        .setWarmup(Duration.ofSeconds(10)).setMinGrowth(MIB).setMinHandleGrowth(50);
  }

  private LeakDetector detector(LeakOptions options) {
    LeakDetector.Parts parts = new LeakDetector.Parts(List.of(new Probe("timers", Unit.COUNT, handles::get)), floor,
        () -> {
          baselines.incrementAndGet();
          return Future.succeededFuture(new HistogramBaseline(BASELINE, 1));
        },
        () -> Future.succeededFuture(ClassHistogram.parse(GROWN, 2)), published::add,
        () -> {
          dumps.incrementAndGet();
          return Future.succeededFuture("heap-1.hprof");
        },
        gcs::incrementAndGet);
    return new LeakDetector(options, parts, now::get, null);
  }

  /** Runs {@code seconds} one-second samples; each second the heap floor is {@code heapAt(t)} (a full GC's reading). */
  private void run(LeakDetector detector, int seconds, java.util.function.LongUnaryOperator heapAt) {
    for (int i = 0; i < seconds; i++) {
      now.addAndGet(SECOND);
      floor.afterGc(now.get(), heapAt.applyAsLong(now.get() / SECOND), true);
      detector.sample();
    }
  }

  private static JsonObject signal(LeakDetector detector, String name) {
    JsonArray signals = detector.toJson().getJsonArray("signals");
    for (int i = 0; i < signals.size(); i++) {
      if (signals.getJsonObject(i).getString("name").equals(name)) {
        return signals.getJsonObject(i);
      }
    }
    throw new AssertionError("no signal " + name);
  }

  @Test
  void aSteadyHeapStaysOk() {
    LeakDetector detector = detector(options());
    run(detector, 300, t -> 50 * MIB);
    assertThat(detector.status()).isEqualTo(LeakState.OK);
    assertThat(detector.toJson().getJsonArray("alerts")).isEmpty();
    assertThat(baselines).hasValue(0);
  }

  @Test
  void aNoisyFlatHeapStaysOk() {
    Random random = new Random(42);
    LeakDetector detector = detector(options());
    run(detector, 600, t -> 50 * MIB + random.nextInt((int) (8 * MIB)));
    assertThat(detector.status()).isEqualTo(LeakState.OK);
    assertThat(detector.toJson().getLong("alertCount")).isZero();
    assertThat(baselines).as("noise never even suspected").hasValue(0);
  }

  @Test
  void aSlowLeakIsSuspectedThenLeakingAndNamesTheGrowingClass() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    LeakDetector detector = detector(options());
    detector.bindTo(registry);
    long start = now.get() / SECOND;
    run(detector, 40, t -> 50 * MIB + (t - start) * 40_000); // 2.3 MiB a minute, after 10 s of warm-up
    assertThat(detector.status()).isEqualTo(LeakState.SUSPECTED);
    assertThat(baselines).hasValue(1);
    run(detector, 60, t -> 50 * MIB + (t - start) * 40_000);
    assertThat(detector.status()).isEqualTo(LeakState.LEAKING);
    JsonObject alert = detector.toJson().getJsonArray("alerts").getJsonObject(0);
    assertThat(alert.getString("signal")).isEqualTo(LeakDetector.HEAP);
    assertThat(alert.getLong("growth")).isGreaterThanOrEqualTo(MIB);
    assertThat(alert.getJsonArray("topClasses").getJsonObject(0).getString("className")).isEqualTo("com.example.Leaky");
    assertThat(alert.getJsonArray("topClasses").getJsonObject(0).getLong("bytesDelta")).isEqualTo(5_100_000);
    assertThat(detector.toJson().getJsonArray("histogramDiff").getJsonObject(0).getString("className"))
        .isEqualTo("com.example.Leaky");
    assertThat(published).hasSize(1);
    assertThat(registry.get("bulwark_leak_alerts_total").tag("signal", LeakDetector.HEAP).counter().count())
        .isEqualTo(1.0);
    assertThat(registry.get("bulwark_leak_status").gauge().value()).isEqualTo(2.0);
    assertThat(baselines).as("one baseline per episode").hasValue(1);
  }

  @Test
  void aStepUpIsNeverALeak() {
    LeakDetector detector = detector(options());
    long start = now.get() / SECOND;
    run(detector, 600, t -> t - start < 60 ? 50 * MIB : 80 * MIB); // a cache filling once
    assertThat(detector.status()).isEqualTo(LeakState.OK);
    assertThat(detector.toJson().getLong("alertCount")).isZero();
  }

  @Test
  void growingHandlesFireTheirOwnSignal() {
    LeakDetector detector = detector(options());
    for (int i = 0; i < 150; i++) {
      handles.addAndGet(2); // 120 timers a minute, the heap flat
      run(detector, 1, t -> 50 * MIB);
    }
    assertThat(signal(detector, "timers").getString("state")).isEqualTo("leaking");
    assertThat(signal(detector, LeakDetector.HEAP).getString("state")).isEqualTo("ok");
    assertThat(published).extracting(a -> a.getString("signal")).containsExactly("timers");
  }

  @Test
  void aLeakThatStopsReturnsToOk() {
    LeakDetector detector = detector(options());
    long start = now.get() / SECOND;
    run(detector, 120, t -> 50 * MIB + (t - start) * 40_000);
    assertThat(detector.status()).isEqualTo(LeakState.LEAKING);
    run(detector, 120, t -> 50 * MIB + 120 * 40_000);
    assertThat(detector.status()).isEqualTo(LeakState.OK);
    assertThat(detector.toJson().getJsonArray("alerts")).hasSize(1);
  }

  @Test
  void warmUpSamplesAreIgnored() {
    LeakDetector detector = detector(options().setWarmup(Duration.ofSeconds(100)));
    long start = now.get() / SECOND;
    run(detector, 100, t -> 50 * MIB + (t - start) * 400_000); // a steep rise, all inside the warm-up
    run(detector, 200, t -> 90 * MIB);
    assertThat(detector.status()).isEqualTo(LeakState.OK);
    assertThat(baselines).hasValue(0);
  }

  @Test
  void asksForAGcOnlyWhenConfiguredAndTheHeapIsQuiet() {
    LeakDetector never = detector(options());
    for (int i = 0; i < 120; i++) {
      now.addAndGet(SECOND);
      never.sample();
    }
    assertThat(gcs).hasValue(0);
    LeakDetector asking = detector(options().setGcEvery(Duration.ofSeconds(30)));
    for (int i = 0; i < 120; i++) {
      now.addAndGet(SECOND);
      asking.sample();
    }
    assertThat(gcs).hasValue(4);
    run(asking, 120, t -> 50 * MIB); // a point every second: no need to ask
    assertThat(gcs).hasValue(4);
  }

  @Test
  void writesAHeapDumpOnALeakAtMostOncePerInterval() {
    LeakDetector detector = detector(options().setHeapDumpOnLeak(true).setMinDumpInterval(Duration.ofHours(1)));
    long start = now.get() / SECOND;
    run(detector, 120, t -> 50 * MIB + (t - start) * 40_000);
    run(detector, 120, t -> 60 * MIB);
    run(detector, 150, t -> 60 * MIB + (t - start - 240) * 40_000);
    assertThat(detector.toJson().getLong("alertCount")).isEqualTo(2);
    assertThat(dumps).hasValue(1);
    assertThat(detector.toJson().getJsonArray("alerts").getJsonObject(0).getString("heapDump"))
        .isEqualTo("heap-1.hprof");
  }

  @Test
  void aHeapThatStopsReportingIsNotCalledLeakingOnStalePoints() {
    LeakDetector detector = detector(options());
    long start = now.get() / SECOND;
    run(detector, 50, t -> 50 * MIB + (t - start) * 40_000);
    assertThat(detector.status()).isEqualTo(LeakState.SUSPECTED);
    for (int i = 0; i < 600; i++) { // no collection lowers the old generation any more: no new point
      now.addAndGet(SECOND);
      detector.sample();
    }
    assertThat(detector.status()).isEqualTo(LeakState.OK);
    assertThat(detector.toJson().getLong("alertCount")).isZero();
  }

  @Test
  void aSignalAtItsThresholdTakesAtMostOneBaselinePerTwoWindows() {
    Random random = new Random(7);
    LeakDetector detector = detector(options());
    long start = now.get() / SECOND;
    // about the threshold's slope (1 MiB a window), noisy: suspicion comes and goes
    run(detector, 1200, t -> 50 * MIB + (t - start) * 17_500 + random.nextInt(1 << 19));
    assertThat(baselines.get()).isLessThanOrEqualTo(1200 / 120 + 1);
  }
}
