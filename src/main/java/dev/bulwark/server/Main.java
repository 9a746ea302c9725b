package dev.bulwark.server;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Key;
import dev.bulwark.config.ModuleSource;
import dev.bulwark.memory.MemoryOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar bulwark.jar [--config FILE]... [--print-config]}: loads and checks the config, then runs the
 * server until SIGTERM or SIGINT, and shuts it down gracefully. Exit status: 0 after a clean shutdown; 1 when the
 * server cannot start (a port in use) or the drain's timeout cut requests; 2 for a bad config, with one line saying
 * what to fix; 130 when a second signal cut the shutdown short.
 */
public final class Main {

  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 1;
  /** Beyond the readiness grace and the drain's timeout, how long closing Redis, Vert.x and the meters may take. */
  private static final Duration RELEASE_PATIENCE = Duration.ofSeconds(10);
  /** The system property {@code bin/bulwark} names its class-data archive in. */
  static final String CLASS_DATA_ARCHIVE = "bulwark.classDataArchive";
  static final String MAGAZINE_QUEUE_PROPERTY = "io.netty.allocator.magazineBufferQueueCapacity";
  private static final String USAGE = "usage: java -jar bulwark.jar [--config FILE]... [--print-config] [--version]";

  private Main() {
  }

  public static void main(String[] args) {
    ModuleCatalog modules = new ModuleCatalog(Main.class.getClassLoader());
    Outcome outcome = command(args, System.getenv(), modules, System.out, System.err);
    if (outcome.serve() != null && outcome.train()) {
      System.exit(train(outcome.serve(), modules));
    } else if (outcome.serve() != null) {
      run(outcome.serve(), modules);
    } else if (outcome.exitStatus() != 0) {
      System.exit(outcome.exitStatus());
    }
  }

  /** What a command line leads to: a config to serve, or a status to exit with once its output is printed. */
  record Outcome(BulwarkConfig serve, int exitStatus, boolean train) {

    static Outcome exit(int status) {
      return new Outcome(null, status, false);
    }
  }

  /**
   * Everything {@code main} does short of serving: the arguments, the config, {@code --print-config}. Errors are one
   * line on {@code err}. In-process, so tests can check every message without starting a JVM.
   */
  static Outcome command(String[] args, Map<String, String> env, ModuleSource modules, PrintStream out,
      PrintStream err) {
    Arguments arguments;
    try {
      arguments = Arguments.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("bulwark: " + e.getMessage() + "; " + USAGE);
      return Outcome.exit(EXIT_CONFIG);
    }
    if (arguments.help()) {
      out.println(USAGE);
      return Outcome.exit(0);
    }
    if (arguments.version()) {
      out.println(dev.bulwark.admin.BuildInfo.current().versionLine());
      return Outcome.exit(0);
    }
    List<Path> files = arguments.files();
    String print = arguments.print();
    BulwarkConfig config;
    try {
      config = BulwarkConfig.load(files, arguments.train() ? Training.environment(env) : env, modules);
    } catch (java.io.IOException e) {
      err.println("bulwark: cannot train: " + e.getMessage());
      return Outcome.exit(EXIT_START);
    } catch (ConfigException e) {
      err.println("bulwark: config error: " + e.getMessage());
      return Outcome.exit(EXIT_CONFIG);
    }
    if (print == null) {
      return new Outcome(config, 0, arguments.train());
    }
    if (print.equals("--print-config")) {
      out.println(config.toJson().encodePrettily());
    } else {
      config.keys().stream().filter(k -> !k.type().equals("section")).map(Key::markdownRow).forEach(out::println);
    }
    return Outcome.exit(0);
  }

  /**
   * The command line's words: config files in order, what to print instead of serving, or help or the version, and
   * whether to serve only a training run ({@code --train}, for {@code bin/bulwark}'s class-data archive).
   */
  private record Arguments(List<Path> files, String print, boolean help, boolean version, boolean train) {

    /** Throws with the one-line reason when a word is unknown or {@code --config} lacks its file. */
    static Arguments parse(String[] args) {
      List<Path> files = new ArrayList<>();
      String print = null;
      boolean train = false;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        if (arg.equals("--config") || arg.startsWith("--config=")) {
          // "--config --print-config" is a forgotten file name far more often than a file named "--print-config".
          String file = arg.equals("--config") ? (i + 1 < args.length ? args[++i] : "")
              : arg.substring("--config=".length());
          if (file.isEmpty() || file.startsWith("--")) {
            throw new IllegalArgumentException("--config needs a file after it");
          }
          files.add(Path.of(file));
        } else if (arg.equals("--print-config") || arg.equals("--print-config-table")) {
          print = arg;
        } else if (arg.equals("--train")) {
          train = true;
        } else if (arg.equals("--help") || arg.equals("-h")) {
          return new Arguments(files, print, true, false, false);
        } else if (arg.equals("--version")) {
          return new Arguments(files, print, false, true, false);
        } else {
          throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      return new Arguments(List.copyOf(files), print, false, false, train);
    }
  }

  /**
   * Serves until SIGTERM or SIGINT, then shuts down gracefully and exits: 0 when every request finished, 1 when some
   * were cut at {@code shutdown.timeout} (or the start failed), 130 on a second signal ({@link StopSignals}).
   */
  private static void run(BulwarkConfig config, ModuleCatalog modules) {
    prepare(config);
    // The handlers go in before the start: a SIGTERM while starting waits for the start, then drains as usual.
    Promise<BulwarkServer> serving = Promise.promise();
    ShutdownOptions shutdown = config.shutdown();
    StopSignals.install(() -> serving.future().transform(started -> started.succeeded()
        ? started.result().shutdown() : Future.succeededFuture(true)),
        shutdown.readinessGrace().plus(shutdown.timeout()).plus(RELEASE_PATIENCE));
    try {
      serving.complete(BulwarkServer.start(config, modules).await());
    } catch (Throwable e) {
      serving.tryFail(e);
      fail(EXIT_START, "bulwark: cannot start: " + e.getMessage());
      return;
    }
    StartupLog.classDataArchive(System.getProperty(CLASS_DATA_ARCHIVE));
  }

  /** {@code --train}: serves on free ports, exercises the main routes, shuts down; the exit status. */
  private static int train(BulwarkConfig config, ModuleCatalog modules) {
    prepare(config);
    try {
      return Training.run(BulwarkServer.start(config, modules).await());
    } catch (Throwable e) {
      System.err.println("bulwark: training cannot start: " + e.getMessage());
      return EXIT_START;
    }
  }

  /** Before a server starts: its logging, then what Netty reads once. */
  private static void prepare(BulwarkConfig config) {
    configureLogging(config.logging());
    configureNetty(config.memory());
  }

  /**
   * Must run before Netty's allocator is first used: it reads its properties once. Each magazine of the adaptive
   * allocator keeps {@code memory.nettyBufferQueue} freed buffer wrappers (Netty's default, 1024, is allocated full at
   * start); past the cap a freed wrapper is left to the GC, as Netty does when the queue is full.
   */
  static void configureNetty(MemoryOptions memory) {
    if (System.getProperty(MAGAZINE_QUEUE_PROPERTY) == null) {
      System.setProperty(MAGAZINE_QUEUE_PROPERTY, Integer.toString(memory.nettyBufferQueue()));
    }
  }

  /** Must run before anything logs: picks the log format and routes Vert.x's logging to SLF4J. */
  static void configureLogging(LoggingOptions logging) {
    // Netty 4.2 emits JFR allocator events; setting them up costs ~70 ms of the first request, for events nobody
    // records. Admin JFR profiles do not need them.
    if (System.getProperty("io.netty.jfr.enabled") == null) {
      System.setProperty("io.netty.jfr.enabled", "false");
    }
    if (System.getProperty("vertx.logger-delegate-factory-class-name") == null) {
      System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    }
    System.setProperty(ConsoleLogConfigurator.JSON_PROPERTY, Boolean.toString(logging.json()));
    var logger = LoggerFactory.getLogger("dev.bulwark");
    if (logger instanceof ch.qos.logback.classic.Logger logbackLogger) {
      logbackLogger.setLevel(ch.qos.logback.classic.Level.toLevel(logging.level()));
    }
  }

  private static void fail(int status, String line) {
    System.err.println(line);
    System.exit(status);
  }
}
