package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A {@code files.root} that cannot serve anything is said once, at start, with its absolute path. */
class FilesRootWarningTest {

  private static List<ILoggingEvent> rootWarnings(String configuredRoot) throws Exception {
    AtomicReference<TestServer> server = new AtomicReference<>();
    List<ILoggingEvent> events;
    try {
      events = CapturedLog.during(() -> {
        server.set(TestServer.start(new JsonObject().put("files", new JsonObject().put("root", configuredRoot))));
        return null;
      });
    } finally {
      if (server.get() != null) {
        server.get().close();
      }
    }
    return events.stream().filter(e -> e.getFormattedMessage().contains("files.root")).toList();
  }

  @Test
  void aMissingRootIsOneWarningNamingTheKeyAndTheAbsolutePath() throws Exception {
    Path missing = Files.createTempDirectory("bulwark-root").resolve("public");
    List<ILoggingEvent> warnings = rootWarnings(missing.toString());
    assertThat(warnings).singleElement().satisfies(e -> {
      assertThat(e.getLevel()).isEqualTo(Level.WARN);
      assertThat(e.getThrowableProxy()).isNull();
      assertThat(e.getFormattedMessage()).contains(missing.toAbsolutePath().toString()).contains("does not exist");
    });
  }

  @Test
  void aRelativeRootIsNamedAsConfiguredAndAsAnAbsolutePath() throws Exception {
    String relative = "no-such-dir-" + System.nanoTime();
    List<ILoggingEvent> warnings = rootWarnings(relative);
    assertThat(warnings).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
        .contains("\"" + relative + "\"").contains(Path.of(relative).toAbsolutePath().toString()));
  }

  @Test
  void aRootThatIsAFileIsAWarning() throws Exception {
    Path file = Files.createTempFile("bulwark-root", ".txt");
    assertThat(rootWarnings(file.toString())).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains(file.toString()).contains("not a directory"));
  }

  @Test
  void aReadableDirectoryIsNoWarning() throws Exception {
    assertThat(rootWarnings(Files.createTempDirectory("bulwark-root").toString())).isEmpty();
  }
}
