package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The doctor's findings from figures the test sets: its clocks, its GC readings, its inputs. */
class DoctorTest {

  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;

  private final AtomicLong clock = new AtomicLong(1_000 * SECOND);
  private final AtomicLong gcMillis = new AtomicLong();
  private final DoctorOptions options = new DoctorOptions().setProbeInterval(Duration.ofMillis(100))
      .setWindow(Duration.ofSeconds(60)).setWarnLoopDelay(Duration.ofMillis(50))
      .setCriticalLoopDelay(Duration.ofMillis(200));
  private final EventLoopDelay loops = new EventLoopDelay(List.of(), 1, options.probesPerWindow(),
      options.probeInterval().toNanos(), clock::get);
  private final BlockedThreadWarnings blocked = new BlockedThreadWarnings(clock::get, t -> false);
  private final GcShare gc = new GcShare(clock::get, gcMillis::get);
  private final AtomicReference<JsonObject> pressure = new AtomicReference<>(new JsonObject().put("level", "NORMAL"));
  private final AtomicReference<JsonObject> leaks = new AtomicReference<>(Doctor.Inputs.noLeakSignals());
  private final AtomicReference<JsonObject> allocation =
      new AtomicReference<>(Doctor.Inputs.noAllocationSamples());
  private final AtomicReference<List<String>> deadlocked = new AtomicReference<>(List.of());

  private JsonObject examine() {
    return doctor(leaks::get).examine();
  }

  private Doctor doctor(Supplier<JsonObject> leakInput) {
    return new Doctor(options, loops, blocked, gc, new Doctor.Inputs(pressure::get, leakInput, allocation::get),
        deadlocked::get, () -> { }, () -> { });
  }

  private static JsonObject finding(JsonObject report, String check) {
    return report.getJsonArray("findings").stream().map(JsonObject.class::cast)
        .filter(f -> f.getString("check").equals(check)).findFirst().orElseThrow();
  }

  /** Runs the loop's probe {@code lateMs} after it was planned for. */
  private void probeLate(long lateMs) {
    clock.addAndGet(options.probeInterval().toNanos() + lateMs * MS);
    loops.probe(0).run();
  }

  @Test
  void aQuietServerIsOkOnEveryCheck() {
    for (int i = 0; i < 50; i++) {
      probeLate(1);
    }
    JsonObject report = examine();
    assertThat(report.getString("verdict")).isEqualTo("ok");
    assertThat(report.getString("summary")).isEqualTo("All 6 checks ok.");
    assertThat(report.getJsonArray("findings").stream().map(f -> ((JsonObject) f).getString("check")))
        .containsExactly("event-loop delay", "blocked threads", "gc time share", "heap trend", "handle growth",
            "pressure");
    assertThat(report.getJsonArray("findings").stream().map(JsonObject.class::cast))
        .allSatisfy(f -> assertThat(f.getString("advice")).isNotBlank());
  }

  @Test
  void aLoopRunningLateIsWarnThenCriticalWithTheLoopAsEvidence() {
    for (int i = 0; i < 100; i++) {
      probeLate(i < 3 ? 120 : 1); // 3 of 100 probes late: the p99 is 120 ms
    }
    JsonObject delay = finding(examine(), "event-loop delay");
    assertThat(delay.getString("status")).isEqualTo("warn");
    assertThat(delay.getJsonObject("evidence").getDouble("p99Ms")).isEqualTo(120.0);
    assertThat(delay.getJsonObject("evidence").getString("worstLoop")).isEqualTo(Thread.currentThread().getName());
    assertThat(delay.getString("advice")).contains("120 ms late").contains("/admin/profile");

    for (int i = 0; i < 5; i++) {
      probeLate(300);
    }
    JsonObject report = examine();
    assertThat(finding(report, "event-loop delay").getString("status")).isEqualTo("critical");
    assertThat(report.getString("verdict")).isEqualTo("critical");
    assertThat(report.getString("summary")).isEqualTo("1 of 6 checks needs attention: event-loop delay (critical).");
  }

  @Test
  void oneLongStallIsAWarningEvenWhenTheP99IsLow() {
    for (int i = 0; i < 200; i++) {
      probeLate(i == 0 ? 250 : 1);
    }
    JsonObject delay = finding(examine(), "event-loop delay");
    assertThat(delay.getString("status")).isEqualTo("warn");
    assertThat(delay.getJsonObject("evidence").getDouble("maxMs")).isEqualTo(250.0);
    assertThat(delay.getJsonObject("evidence").getDouble("p99Ms")).isEqualTo(1.0);
  }

  @Test
  void gcShareIsCollectionTimeOverTheWindowFromStoredReadings() {
    for (int i = 0; i < 10; i++) { // a reading every 6 s, 60 ms of GC in each
      clock.addAndGet(6 * SECOND);
      gcMillis.addAndGet(60);
      gc.sample();
    }
    assertThat(gc.share()).isEqualTo(new GcShare.Share(0.01, 600, 60 * SECOND));
    assertThat(finding(examine(), "gc time share").getString("status")).isEqualTo("ok");

    for (int i = 0; i < 10; i++) { // then 900 ms of each 6 s: the oldest readings leave the window
      clock.addAndGet(6 * SECOND);
      gcMillis.addAndGet(900);
      gc.sample();
    }
    assertThat(gc.share().share()).isEqualTo(0.15);
    allocation.set(new JsonObject().put("routes", new JsonArray()
        .add(new JsonObject().put("route", "/hello").put("samples", 10).put("bytesPerRequest", 512))
        .add(new JsonObject().put("route", "/data/items").put("samples", 4).put("bytesPerRequest", 2 << 20))));
    JsonObject share = finding(examine(), "gc time share");
    assertThat(share.getString("status")).isEqualTo("warn");
    assertThat(share.getJsonObject("evidence").getDouble("share")).isEqualTo(0.15);
    assertThat(share.getJsonObject("evidence").getDouble("overSeconds")).isEqualTo(60.0);
    assertThat(share.getJsonObject("evidence").getJsonArray("heaviestRoutes").getJsonObject(0).getString("route"))
        .isEqualTo("/data/items");
    assertThat(share.getString("advice")).contains("15.0 %").contains("/data/items");

    clock.addAndGet(6 * SECOND);
    gcMillis.addAndGet(6_000); // GC all of the last 6 s, on top
    assertThat(finding(examine(), "gc time share").getString("status")).isEqualTo("critical");
  }

  @Test
  void aBlockedEventLoopWithinTheWindowIsCriticalAWorkerAWarning() {
    blocked.record("vert.x-worker-thread-3", false, 61 * SECOND, 60 * SECOND);
    JsonObject finding = finding(examine(), "blocked threads");
    assertThat(finding.getString("status")).isEqualTo("warn");
    assertThat(finding.getJsonObject("evidence").getLong("workerWarnings")).isEqualTo(1);

    blocked.record("vert.x-eventloop-thread-1", true, 2_500 * MS, 2 * SECOND);
    finding = finding(examine(), "blocked threads");
    assertThat(finding.getString("status")).isEqualTo("critical");
    assertThat(finding.getJsonObject("evidence").getJsonArray("recent").getJsonObject(0))
        .isEqualTo(new JsonObject().put("thread", "vert.x-eventloop-thread-1").put("eventLoop", true)
            .put("blockedMs", 2500).put("limitMs", 2000).put("secondsAgo", 0));
    assertThat(finding.getString("advice")).contains("2500 ms");

    clock.addAndGet(61 * SECOND);
    finding = finding(examine(), "blocked threads");
    assertThat(finding.getString("status")).as("once out of the window").isEqualTo("ok");
    assertThat(finding.getJsonObject("evidence").getLong("eventLoopWarnings")).isEqualTo(1);

    deadlocked.set(List.of("a", "b"));
    assertThat(finding(examine(), "blocked threads").getString("advice")).startsWith("Threads a, b are deadlocked");
  }

  @Test
  void leakSignalsBecomeTheHeapTrendAndHandleGrowth() {
    leaks.set(new JsonObject().put("status", "leaking").put("signals", new JsonArray()
        .add(signal("heapAfterGc", "bytes", "suspected", 48 << 20))
        .add(signal("threads", "count", "leaking", 400))
        .add(signal("fileDescriptors", "count", "ok", 3))));
    JsonObject report = examine();
    JsonObject heap = finding(report, "heap trend");
    assertThat(heap.getString("status")).isEqualTo("warn");
    assertThat(heap.getJsonObject("evidence").getJsonArray("signals")).hasSize(1);
    assertThat(heap.getString("advice")).contains("48.0 MiB").contains("/admin/heap/diff");
    JsonObject handles = finding(report, "handle growth");
    assertThat(handles.getString("status")).isEqualTo("critical");
    assertThat(handles.getJsonObject("evidence").getJsonArray("signals")).hasSize(2);
    assertThat(handles.getString("advice")).startsWith("threads grew by 400");
    assertThat(report.getString("verdict")).isEqualTo("critical");
  }

  @Test
  void pressureAboveNormalIsAFinding() {
    pressure.set(new JsonObject().put("level", "ELEVATED").put("shedCount", 0));
    assertThat(finding(examine(), "pressure").getString("status")).isEqualTo("warn");
    pressure.set(new JsonObject().put("level", "CRITICAL").put("shedCount", 12));
    JsonObject finding = finding(examine(), "pressure");
    assertThat(finding.getString("status")).isEqualTo("critical");
    assertThat(finding.getJsonObject("evidence").getInteger("shedCount")).isEqualTo(12);
  }

  @Test
  void anInputThatFailsSpoilsOnlyItsOwnFindings() {
    JsonObject report = doctor(() -> {
      throw new IllegalStateException("detector closed");
    }).examine();
    assertThat(report.getString("verdict")).isEqualTo("ok");
    assertThat(finding(report, "heap trend").getJsonObject("evidence").getString("detector")).isEqualTo("unknown");
  }

  private static JsonObject signal(String name, String unit, String state, long growth) {
    return new JsonObject().put("name", name).put("unit", unit).put("state", state).put("value", growth * 3)
        .put("slopePerMinute", growth / 10.0).put("r2", 0.93).put("samples", 60).put("growth", growth);
  }
}
