package dev.bulwark.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;

/** Every log event of the whole process while an action runs, for tests that assert what was (not) logged. */
public final class CapturedLog {

  private CapturedLog() {
  }

  /** Runs {@code action} and returns the events logged meanwhile, on any thread. */
  public static List<ILoggingEvent> during(Callable<?> action) throws Exception {
    return capture(action, false);
  }

  /**
   * As {@link #during}, but what is logged meanwhile goes to the returned list only, not to the console: for tests
   * that make the server log an ERROR on purpose and assert it, so a passing test run prints none.
   */
  public static List<ILoggingEvent> instead(Callable<?> action) throws Exception {
    return capture(action, true);
  }

  private static List<ILoggingEvent> capture(Callable<?> action, boolean alone) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    List<Appender<ILoggingEvent>> others = new ArrayList<>();
    if (alone) {
      root.iteratorForAppenders().forEachRemaining(others::add);
      others.forEach(root::detachAppender);
    }
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      action.call();
    } finally {
      root.detachAppender(captured);
      others.forEach(root::addAppender);
    }
    return List.copyOf(captured.list);
  }
}
