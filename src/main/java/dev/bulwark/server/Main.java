package dev.bulwark.server;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Key;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar bulwark.jar [--config FILE]... [--print-config]}: loads and checks the config, then runs the
 * server until SIGTERM or SIGINT. A bad config exits with status 2 and one line saying what to fix; a server that
 * cannot start (a port in use) exits with status 1.
 */
public final class Main {

  static final int EXIT_CONFIG = 2;
  static final int EXIT_START = 1;
  private static final String USAGE = "usage: java -jar bulwark.jar [--config FILE]... [--print-config]";

  private Main() {
  }

  public static void main(String[] args) {
    List<Path> files = new ArrayList<>();
    boolean printConfig = false;
    boolean printTable = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--config") && i + 1 < args.length) {
        files.add(Path.of(args[++i]));
      } else if (arg.startsWith("--config=")) {
        files.add(Path.of(arg.substring("--config=".length())));
      } else if (arg.equals("--print-config")) {
        printConfig = true;
      } else if (arg.equals("--print-config-table")) {
        printTable = true;
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(USAGE);
        return;
      } else {
        fail(EXIT_CONFIG, "bulwark: unknown argument " + arg + "; " + USAGE);
      }
    }
    BulwarkConfig config = null;
    ModuleCatalog modules = new ModuleCatalog(Main.class.getClassLoader());
    try {
      config = BulwarkConfig.load(files, System.getenv(), modules);
    } catch (ConfigException e) {
      fail(EXIT_CONFIG, "bulwark: config error: " + e.getMessage());
    }
    if (printConfig) {
      System.out.println(config.toJson().encodePrettily());
      return;
    }
    if (printTable) {
      config.keys().stream().filter(k -> !k.type().equals("section")).map(Key::markdownRow)
          .forEach(System.out::println);
      return;
    }
    run(config, modules);
  }

  private static void run(BulwarkConfig config, ModuleCatalog modules) {
    configureLogging(config.logging());
    BulwarkServer server;
    try {
      server = BulwarkServer.start(config, modules).await();
    } catch (Throwable e) {
      fail(EXIT_START, "bulwark: cannot start: " + e.getMessage());
      return;
    }
    long graceMs = config.http().shutdownGrace().toMillis() + TimeUnit.SECONDS.toMillis(5);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LoggerFactory.getLogger(Main.class).info("Shutting down: draining requests for up to {} ms", graceMs);
      try {
        server.close().await(graceMs, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LoggerFactory.getLogger(Main.class).warn("Shutdown did not finish in time: {}", e.toString());
      }
    }, "bulwark-shutdown"));
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
