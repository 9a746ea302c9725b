package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The delay probe's figures, on a clock the test moves: no test here waits for the wall clock. */
class EventLoopDelayTest {

  private static final long MS = 1_000_000L;
  private static final long INTERVAL = 100 * MS;

  @Test
  void p99IsTheNearestRankOfTheWindowAndMaxItsLargest() {
    DelayWindow window = new DelayWindow(100);
    List<Long> lateness = new ArrayList<>();
    for (long ms = 1; ms <= 100; ms++) {
      lateness.add(ms * MS);
    }
    Collections.shuffle(lateness, new Random(7));
    lateness.forEach(window::record);
    assertThat(window.summary()).isEqualTo(new DelayWindow.Summary(100, 99 * MS, 100 * MS));
  }

  @Test
  void aWindowHoldsOnlyItsLastProbes() {
    DelayWindow window = new DelayWindow(10);
    assertThat(window.summary()).isEqualTo(DelayWindow.Summary.EMPTY);
    for (int i = 0; i < 10; i++) {
      window.record(500 * MS);
    }
    for (int i = 0; i < 10; i++) {
      window.record(i * MS);
    }
    assertThat(window.summary()).isEqualTo(new DelayWindow.Summary(10, 9 * MS, 9 * MS));
  }

  @Test
  void aSmallWindowsP99IsItsMaximum() {
    DelayWindow window = new DelayWindow(50);
    for (int i = 0; i < 49; i++) {
      window.record(MS);
    }
    window.record(300 * MS);
    assertThat(window.summary().p99Nanos()).isEqualTo(300 * MS);
  }

  @Test
  void aProbeRecordsHowLateItRanAfterItsInterval() {
    AtomicLong clock = new AtomicLong(1_000 * MS);
    EventLoopDelay delay = new EventLoopDelay(List.of(), 2, 600, INTERVAL, clock::get);
    clock.addAndGet(INTERVAL);
    delay.probe(0).run(); // on time
    delay.probe(1).run();
    clock.addAndGet(INTERVAL + 300 * MS); // loop 0 was busy for 300 ms past its next run
    delay.probe(0).run();
    clock.addAndGet(2 * MS);
    delay.probe(1).run(); // loop 1 ran 302 ms after it was planned for too: it was late as well

    EventLoopDelay.Worst worst = delay.worst();
    assertThat(worst.p99Nanos()).isEqualTo(302 * MS);
    assertThat(worst.maxNanos()).isEqualTo(302 * MS);
    assertThat(worst.probes()).isEqualTo(2);
    assertThat(worst.loop()).isEqualTo(Thread.currentThread().getName());
    JsonObject json = delay.toJson();
    assertThat(json.getInteger("count")).isEqualTo(2);
    assertThat(json.getDouble("delayP99Ms")).isEqualTo(302.0);
    assertThat(json.getJsonArray("loops").getJsonObject(0).getDouble("delayMaxMs")).isEqualTo(300.0);
  }

  @Test
  void aProbeRunAllocatesNothing() {
    AtomicLong clock = new AtomicLong();
    EventLoopDelay.Probe probe = new EventLoopDelay(List.of(), 1, 600, INTERVAL, clock::get).probe(0);
    for (int i = 0; i < 100_000; i++) { // warm up, so the JIT has compiled what runs below
      clock.addAndGet(INTERVAL);
      probe.run();
    }
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int i = 0; i < 100_000; i++) {
      clock.addAndGet(INTERVAL + i);
      probe.run();
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(allocated).as("bytes allocated by 100,000 probe runs").isLessThan(4096);
  }
}
