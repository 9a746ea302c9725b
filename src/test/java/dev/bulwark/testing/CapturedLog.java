package dev.bulwark.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;

/** Every log event of the whole process while an action runs, for tests that assert what was (not) logged. */
public final class CapturedLog {

  private CapturedLog() {
  }

  /** Runs {@code action} and returns the events logged meanwhile, on any thread. */
  public static List<ILoggingEvent> during(Callable<?> action) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    try {
      action.call();
    } finally {
      root.detachAppender(captured);
    }
    return List.copyOf(captured.list);
  }
}
