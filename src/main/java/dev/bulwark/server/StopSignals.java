package dev.bulwark.server;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT, handled by Bulwark instead of the JVM. The JVM's own handling runs the shutdown hooks and then
 * exits with 128 + the signal (143 for SIGTERM) whatever the hooks did, and {@code System.exit} inside a hook blocks
 * forever; so the first signal starts the graceful shutdown on a thread of its own, which then exits with its status:
 * {@link #EXIT_CLEAN} when every request finished, {@link #EXIT_CUT} when some were cut at the timeout. A second
 * signal while that runs exits at once with {@link #EXIT_SECOND_SIGNAL}, skipping the rest. A shutdown hook stays for
 * every other way out (SIGHUP, an exit elsewhere): it runs the same shutdown once, and the JVM picks the status.
 * {@code sun.misc.Signal} is in the {@code jdk.unsupported} module of every JDK and JRE build from 9 on; where it is
 * missing (a jlinked runtime without that module), only the hook is left, and SIGTERM exits 143.
 */
final class StopSignals {

  static final int EXIT_CLEAN = 0;
  static final int EXIT_CUT = 1;
  /** 128 + SIGINT, the shells' status for "interrupted": the drain was abandoned. */
  static final int EXIT_SECOND_SIGNAL = 130;
  private static final Logger LOG = LoggerFactory.getLogger(StopSignals.class);

  private final Supplier<Future<Boolean>> shutdown;
  private final Duration patience;
  private final AtomicBoolean started = new AtomicBoolean();

  /** {@code patience}: how long to wait for {@code shutdown} before exiting with {@link #EXIT_CUT} anyway. */
  private StopSignals(Supplier<Future<Boolean>> shutdown, Duration patience) {
    this.shutdown = shutdown;
    this.patience = patience;
  }

  /** Installs the handlers of SIGTERM and SIGINT and the fallback hook. */
  static void install(Supplier<Future<Boolean>> shutdown, Duration patience) {
    StopSignals signals = new StopSignals(shutdown, patience);
    Runtime.getRuntime().addShutdownHook(new Thread(signals::onJvmExit, "bulwark-shutdown-hook"));
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        Signal.handle(new Signal(name), signals::onSignal);
      }
    } catch (LinkageError | IllegalArgumentException e) {
      LOG.warn("SIGTERM cannot be handled here ({}): the shutdown runs from a JVM hook, and exits with status 143",
          e.toString());
    }
  }

  /** Called on a thread of the JVM's signal dispatcher, which must not be held: the work goes to a thread of ours. */
  private void onSignal(Signal signal) {
    if (started.compareAndSet(false, true)) {
      Thread thread = new Thread(() -> System.exit(awaitShutdown()), "bulwark-shutdown");
      thread.start();
    } else {
      LOG.warn("Second signal (SIG{}) during the shutdown: exiting now with status {}, without waiting for the rest",
          signal.getName(), EXIT_SECOND_SIGNAL);
      Runtime.getRuntime().halt(EXIT_SECOND_SIGNAL); // System.exit would wait for the shutdown already exiting
    }
  }

  /** The hook: nothing when a signal started the shutdown (its thread is the one exiting), else the same shutdown. */
  private void onJvmExit() {
    if (started.compareAndSet(false, true)) {
      awaitShutdown();
    }
  }

  private int awaitShutdown() {
    try {
      return shutdown.get().await(patience.toMillis(), TimeUnit.MILLISECONDS) ? EXIT_CLEAN : EXIT_CUT;
    } catch (Throwable e) {
      // An Error too (a class that can no longer be loaded from a jar replaced underneath): this thread must still
      // reach System.exit, or the process would outlive the signal.
      LOG.warn("The shutdown did not finish cleanly within {} ms: exiting with status {} ({})", patience.toMillis(),
          EXIT_CUT, e.toString());
      return EXIT_CUT;
    }
  }
}
