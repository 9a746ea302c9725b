package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers started with one {@code admin.tokenFile} (two instances in one directory): the first keeps the file and
 * its token, the second writes {@code <name>-<adminPort>.token} beside it and says so; each file opens its own port.
 */
class SharedTokenFileTest {

  @TempDir
  Path dir;

  @Test
  void aSecondInstanceLeavesTheFirstsTokenFileAloneAndLogsItsOwn() throws Exception {
    Path shared = dir.resolve("var/admin.token");
    try (TestServer first = withTokenFile(shared)) {
      AtomicReference<TestServer> started = new AtomicReference<>();
      List<ILoggingEvent> log = CapturedLog.during(() -> {
        started.set(withTokenFile(shared));
        return null;
      });
      try (TestServer second = started.get()) {
        Path own = dir.resolve("var/admin-" + second.server().adminPort() + ".token");
        assertThat(first.server().adminTokenFile()).isEqualTo(shared.toAbsolutePath());
        assertThat(second.server().adminTokenFile()).isEqualTo(own.toAbsolutePath());
        assertThat(first.admin("/admin/status", read(shared)).statusCode()).isEqualTo(200);
        assertThat(second.admin("/admin/status", read(own)).statusCode()).isEqualTo(200);
        assertThat(second.admin("/admin/status", read(shared)).statusCode()).isEqualTo(401);
        assertThat(log).anySatisfy(e -> assertThat(e.getFormattedMessage())
            .contains(shared.toAbsolutePath() + " is held by another running Bulwark")
            .contains("token written to " + own.toAbsolutePath()));
      }
    }
    // Once the first has stopped, the file is free again.
    try (TestServer third = withTokenFile(shared)) {
      assertThat(third.server().adminTokenFile()).isEqualTo(shared.toAbsolutePath());
      assertThat(third.admin("/admin/status", read(shared)).statusCode()).isEqualTo(200);
    }
  }

  private static TestServer withTokenFile(Path file) throws Exception {
    return TestServer.start(new JsonObject().put("admin", new JsonObject().put("tokenFile", file.toString())));
  }

  private static String read(Path file) throws Exception {
    return Files.readString(file).strip();
  }
}
