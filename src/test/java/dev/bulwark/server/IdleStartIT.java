package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.JarProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a server on the defaults does not build: the real fat jar in a child JVM, its class loading logged by the JVM
 * ({@code -Xlog:class+load}). Nothing that is not configured is made at start, so none of its classes are loaded: no
 * Redis client without {@code redis.url}, no lab without {@code lab.enabled}. Each class loaded stays in the heap for
 * the life of the server (its mirror, its name, its class loader's entries), which is most of the idle heap above a
 * bare vertx-web server. Nor does its logging load the time-zone database.
 */
class IdleStartIT {

  @TempDir
  Path dir;

  @Test
  void aServerWithoutRedisUrlOrLabLoadsNoRedisClientAndNoLabClasses() throws Exception {
    Path classes = dir.resolve("classes.log");
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("admin", new JsonObject().put("port", 0).put("token", "idle-start-it-0123456789abcdef"))
        .put("files", new JsonObject().put("root", dir.toString()));
    try (JarProcess server = JarProcess.start(dir, config, List.of("-Xlog:class+load=info:file=" + classes))) {
      server.awaitStarted();
      List<String> loaded = Files.readAllLines(classes);
      assertThat(loaded).as("the log names the classes loaded").anyMatch(l -> l.contains(" dev.bulwark.server.Main "));
      assertThat(loaded).as("no Redis client is made without redis.url")
          .noneMatch(l -> l.contains(" io.vertx.redis.client.impl.") || l.contains(" dev.bulwark.server.QuietRedis")
              || l.contains(" dev.bulwark.cache.InvalidationChannel"));
      assertThat(loaded).as("no lab without lab.enabled")
          .noneMatch(l -> l.contains(" dev.bulwark.routes.Lab") && !l.contains(" dev.bulwark.routes.LabOptions "));
      // The time-zone database costs ~370 KB of heap for good: log lines are stamped in UTC, and logback's own
      // status messages go to stderr without its StatusPrinter, whose date format loads the default zone.
      assertThat(loaded).as("no time-zone database")
          .noneMatch(l -> l.contains(" sun.util.calendar.ZoneInfoFile ") || l.contains(" java.time.zone.ZoneRulesProvider "));
    }
  }
}
