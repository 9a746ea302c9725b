package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Vert.x's own blocked-thread checker, on a Vert.x with a 100 ms limit: its warnings are counted and still logged. */
class BlockedThreadWarningsTest {

  @Test
  void anEventLoopBlockedPastTheLimitIsCountedAndLoggedAsVertxWould() throws Exception {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setMaxEventLoopExecuteTime(100)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS).setBlockedThreadCheckInterval(20)
        .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS));
    try {
      BlockedThreadWarnings warnings = BlockedThreadWarnings.install(vertx);
      CompletableFuture<Void> unblocked = new CompletableFuture<>();
      // Captured until the checker is stopped with its Vert.x: every warning it raises stays out of the console.
      List<ILoggingEvent> logged = CapturedLog.instead(() -> {
        vertx.runOnContext(v -> {
          long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(400);
          while (System.nanoTime() < end) {
            Thread.onSpinWait(); // the fault under test
          }
          unblocked.complete(null);
        });
        unblocked.get(10, TimeUnit.SECONDS);
        return vertx.close().await(10, TimeUnit.SECONDS);
      });
      assertThat(warnings.eventLoopWarnings()).isPositive();
      assertThat(warnings.workerWarnings()).isZero();
      BlockedThreadWarnings.Recent recent = warnings.within(TimeUnit.SECONDS.toNanos(60));
      assertThat(recent.eventLoop()).isPositive();
      assertThat(recent.warnings().getJsonObject(0).getString("thread")).startsWith("vert.x-eventloop-thread-");
      assertThat(recent.warnings().getJsonObject(0).getLong("limitMs")).isEqualTo(100);
      assertThat(logged).anySatisfy(e -> {
        assertThat(e.getLoggerName()).isEqualTo(BlockedThreadChecker.LOGGER_NAME);
        assertThat(e.getLevel()).isEqualTo(Level.WARN);
        assertThat(e.getFormattedMessage()).matches("Thread vert\\.x-eventloop-thread-0 has been blocked for \\d+ ms, "
            + "time limit is 100 ms");
        assertThat(e.getThrowableProxy()).as("no stack before warningExceptionTime").isNull();
      });
    } finally {
      BlockedThreadWarnings.uninstall(vertx);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
