package dev.bulwark.memory;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * GC notifications come in bursts; the monitor's thread queues at most one sample for them, however many arrive while
 * it is busy, and a GC that arrives once that sample has started queues the next one. The monitor's thread is held
 * busy by a latch, not by waiting on the clock.
 */
class GcSamplingTest {

  private static final long TIMEOUT_S = 10;
  private final ScheduledThreadPoolExecutor thread = new ScheduledThreadPoolExecutor(1);
  private final AtomicInteger reads = new AtomicInteger();
  private final CountDownLatch busy = new CountDownLatch(1);
  private final MemoryMonitor monitor = new MemoryMonitor(BulwarkConfig.defaults().memory(), () -> {
    reads.incrementAndGet();
    return new MemorySignals(0, 100, 0, 0, 100, 0, 0, 0, Double.NaN);
  }, () -> 0L, thread);

  @AfterEach
  void stop() {
    busy.countDown();
    monitor.close();
  }

  @Test
  void aBurstOfGcsQueuesOneSampleAndTheNextGcAnother() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    thread.execute(() -> { // the monitor's thread is busy while the GCs arrive
      started.countDown();
      await(busy);
    });
    assertThat(started.await(TIMEOUT_S, TimeUnit.SECONDS)).isTrue();
    int readsBefore = reads.get();
    for (int i = 0; i < 1000; i++) {
      monitor.gcDone(i);
    }
    assertThat(thread.getQueue()).as("samples queued for 1,000 GCs").hasSize(1);
    busy.countDown();
    awaitReads(readsBefore + 1);
    assertThat(thread.getQueue()).isEmpty();
    monitor.gcDone(1);
    awaitReads(readsBefore + 2);
  }

  private void awaitReads(int expected) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    thread.execute(done::countDown); // runs after every task queued before it
    assertThat(done.await(TIMEOUT_S, TimeUnit.SECONDS)).as("the monitor's thread ran its queue").isTrue();
    assertThat(reads).hasValue(expected);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
