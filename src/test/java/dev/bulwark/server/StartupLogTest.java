package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start's word on the class-data archive bin/bulwark names: this test JVM was started without one. */
class StartupLogTest {

  @TempDir
  Path dir;

  @Test
  void warnsWhenTheJvmDidNotMapTheArchiveItWasGiven() throws Exception {
    Path archive = Files.writeString(dir.resolve("bulwark-1.jsa"), "an archive this JVM never mapped");
    List<ILoggingEvent> events = CapturedLog.instead(() -> {
      StartupLog.classDataArchive(archive.toString());
      return null;
    });
    assertThat(events).filteredOn(event -> event.getFormattedMessage().contains("class-data archive"))
        .singleElement().satisfies(event -> {
      assertThat(event.getLevel()).isEqualTo(Level.WARN);
      assertThat(event.getFormattedMessage()).contains("did not use class-data archive " + archive);
    });
  }

  @Test
  void saysNothingWithoutTheLauncher() throws Exception {
    assertThat(CapturedLog.instead(() -> {
      StartupLog.classDataArchive(null);
      return null;
    })).noneMatch(event -> event.getFormattedMessage().contains("class-data archive"));
  }
}
