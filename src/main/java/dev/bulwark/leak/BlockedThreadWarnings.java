package dev.bulwark.leak;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadChecker;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warnings of Vert.x's blocked-thread checker (a thread that has run one task longer than
 * {@code maxEventLoopExecuteTime}, 2 s, or {@code maxWorkerExecuteTime}, 60 s), counted as they are raised: Bulwark
 * takes the checker's handler of this Vert.x instance and logs each warning as Vert.x would (same logger, same line,
 * the stack past {@code warningExceptionTime}), so the count is exactly what the log shows, with no log parsing and
 * whatever the logging set-up. The last {@link #KEEP} are kept with their thread and time.
 */
final class BlockedThreadWarnings {

  /** Warnings kept for the evidence; the in-window count is taken over these. */
  static final int KEEP = 32;
  private static final Logger LOG = LoggerFactory.getLogger(BlockedThreadChecker.LOGGER_NAME);

  /** One warning: which thread, whether it is an event loop, how long it had been blocked, and when. */
  record Warning(String thread, boolean eventLoop, long blockedNanos, long limitNanos, long atNanos) {
  }

  /** The warnings within a window: counts by kind, the longest event-loop block, and the warnings themselves. */
  record Recent(int eventLoop, int worker, long longestEventLoopNanos, JsonArray warnings) {
  }

  private final LongSupplier nanoClock;
  private final Predicate<Thread> isEventLoop;
  private final AtomicLong eventLoopWarnings = new AtomicLong();
  private final AtomicLong workerWarnings = new AtomicLong();
  private final ArrayDeque<Warning> kept = new ArrayDeque<>(KEEP);

  BlockedThreadWarnings(LongSupplier nanoClock, Predicate<Thread> isEventLoop) {
    this.nanoClock = nanoClock;
    this.isEventLoop = isEventLoop;
  }

  /** Takes the blocked-thread checker's handler of {@code vertx}; {@link #uninstall} gives it back. */
  static BlockedThreadWarnings install(Vertx vertx) {
    VertxInternal internal = (VertxInternal) vertx;
    EventLoopGroup loops = internal.nettyEventLoopGroup();
    BlockedThreadWarnings warnings = new BlockedThreadWarnings(System::nanoTime, t -> runsOn(loops, t));
    internal.blockedThreadChecker().setThreadBlockedHandler(warnings::report);
    return warnings;
  }

  static void uninstall(Vertx vertx) {
    ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(null);
  }

  private static boolean runsOn(EventLoopGroup loops, Thread thread) {
    for (EventExecutor loop : loops) {
      if (loop.inEventLoop(thread)) {
        return true;
      }
    }
    return false;
  }

  /** Called by the checker's timer thread. */
  void report(BlockedThreadEvent event) {
    record(event.thread().getName(), isEventLoop.test(event.thread()), event.duration(), event.maxExecTime());
    String line = "Thread " + event.thread().getName() + " has been blocked for " + event.duration() / 1_000_000
        + " ms, time limit is " + event.maxExecTime() / 1_000_000 + " ms";
    if (event.duration() <= event.warningExceptionTime()) {
      LOG.warn(line);
    } else {
      VertxException where = new VertxException("Thread blocked");
      where.setStackTrace(event.thread().getStackTrace());
      LOG.warn(line, where);
    }
  }

  void record(String thread, boolean eventLoop, long blockedNanos, long limitNanos) {
    (eventLoop ? eventLoopWarnings : workerWarnings).incrementAndGet();
    Warning warning = new Warning(thread, eventLoop, blockedNanos, limitNanos, nanoClock.getAsLong());
    synchronized (kept) {
      if (kept.size() == KEEP) {
        kept.removeFirst();
      }
      kept.addLast(warning);
    }
  }

  long eventLoopWarnings() {
    return eventLoopWarnings.get();
  }

  long workerWarnings() {
    return workerWarnings.get();
  }

  /** The kept warnings raised within the last {@code windowNanos}, newest first. */
  Recent within(long windowNanos) {
    long now = nanoClock.getAsLong();
    Warning[] all;
    synchronized (kept) {
      all = kept.toArray(new Warning[0]);
    }
    int loops = 0;
    int workers = 0;
    long longest = 0;
    JsonArray json = new JsonArray();
    for (int i = all.length - 1; i >= 0 && now - all[i].atNanos() <= windowNanos; i--) {
      Warning w = all[i];
      if (w.eventLoop()) {
        loops++;
        longest = Math.max(longest, w.blockedNanos());
      } else {
        workers++;
      }
      json.add(new JsonObject().put("thread", w.thread()).put("eventLoop", w.eventLoop())
          .put("blockedMs", w.blockedNanos() / 1_000_000).put("limitMs", w.limitNanos() / 1_000_000)
          .put("secondsAgo", (now - w.atNanos()) / 1_000_000_000L));
    }
    return new Recent(loops, workers, longest, json);
  }

  /** {@code bulwark_blocked_thread_warnings_total{thread="event_loop"|"worker"}}. */
  void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("bulwark.blocked.thread.warnings", this, BlockedThreadWarnings::eventLoopWarnings)
        .tag("thread", "event_loop").description("Vert.x blocked-thread checker warnings").register(registry);
    FunctionCounter.builder("bulwark.blocked.thread.warnings", this, BlockedThreadWarnings::workerWarnings)
        .tag("thread", "worker").description("Vert.x blocked-thread checker warnings").register(registry);
  }
}
