package dev.bulwark.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.status.StatusListener;
import org.slf4j.Logger;

/**
 * Logs to stdout, as plain lines stamped in UTC or, when {@code logging.json} is true, one JSON object per line.
 * Configured in code rather than from XML, which keeps some 600 classes out of a cold start. A user's own
 * {@code -Dlogback.configurationFile} still wins. UTC, and logback's own warnings printed by a listener of ours rather
 * than its StatusPrinter: either would load the JVM's time-zone database, some 370 KB of heap kept for good.
 */
public final class ConsoleLogConfigurator extends ContextAwareBase implements Configurator {

  /** Set by {@code Main} from {@code logging.json} before anything logs. */
  public static final String JSON_PROPERTY = "bulwark.logging.json";
  private static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX, UTC} %-5level [%thread] %logger{36} - %msg%n";

  public ConsoleLogConfigurator() {
    // Found by ServiceLoader.
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    // A context with a status listener is never handed to logback's StatusPrinter after the configuration.
    context.getStatusManager().add(new StderrStatusListener());
    ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
    appender.setContext(context);
    appender.setName("STDOUT");
    appender.setEncoder(Boolean.getBoolean(JSON_PROPERTY) ? json(context) : plain(context));
    appender.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.INFO);
    root.addAppender(appender);
    context.getLogger("io.netty").setLevel(Level.WARN);
    // Vert.x logs, at ERROR, an I/O failure of a connection nobody has an exception handler on yet: with cleartext
    // HTTP/2 on, that is every connection until its first head is complete, so a client resetting mid-head could
    // write one ERROR line per connection. Connections Bulwark serves have handlers (DEBUG); this logger only ever
    // reports those network events.
    context.getLogger("io.vertx.core.net.impl.ConnectionBase").setLevel(Level.OFF);
    // Vert.x 5.0.7 sends a file over 1 MiB in regions and logs each region that fails at ERROR with its stack trace
    // (VertxConnection.sendFileRegion): any client hanging up mid-download did that. The failure still reaches the
    // sender (FileSender); the logger's only other line is a DEBUG one about idle timeouts.
    context.getLogger("io.vertx.core.net.impl.VertxConnection").setLevel(Level.OFF);
    // As a port shuts down, Vert.x 5.0 takes its event loops off the port a moment before it closes the listening
    // socket; a connection accepted in between is closed at once (its client sees a reset, never a request lost) and
    // Netty logs it at WARN with a stack trace (eclipse-vertx/vert.x#6087, fixed in 5.1): a client connecting in a
    // loop during a shutdown would print one per try. This logger's other WARNs are about channel options, which
    // Bulwark sets only from checked config.
    context.getLogger("io.netty.bootstrap.ServerBootstrap").setLevel(Level.ERROR);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> plain(LoggerContext context) {
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern(PATTERN);
    encoder.start();
    return encoder;
  }

  private static Encoder<ILoggingEvent> json(LoggerContext context) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setWithSequenceNumber(false);
    encoder.setWithNanoseconds(false);
    encoder.setWithContext(false);
    encoder.setWithMessage(false);
    encoder.setWithArguments(false);
    encoder.setWithFormattedMessage(true);
    encoder.start();
    return encoder;
  }

  /** Logback's own warnings and errors, one line each on stderr. */
  static final class StderrStatusListener implements StatusListener {
    @Override
    public void addStatusEvent(Status status) {
      if (status.getEffectiveLevel() >= Status.WARN) {
        System.err.println("logback: " + status.getMessage());
      }
    }
  }
}
