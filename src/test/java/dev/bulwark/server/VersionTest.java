package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.admin.BuildInfo;
import dev.bulwark.config.ModuleSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --version}: one line naming the build, exit 0, and nothing loaded or started. In-process. */
class VersionTest {

  @Test
  void versionPrintsOneLineAndExitsWithoutLoadingTheConfig() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    // A config that would not load: --version must not even read it.
    Main.Outcome outcome = Main.command(new String[] {"--config", "/no/such/file.json", "--version"},
        Map.of("BULWARK_HTTP_PORT", "not-a-port"), ModuleSource.NONE,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(outcome.exitStatus()).isZero();
    assertThat(outcome.serve()).as("nothing to serve").isNull();
    assertThat(err.size()).isZero();
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed.lines()).hasSize(1);
    assertThat(printed.strip()).isEqualTo(BuildInfo.current().versionLine())
        .matches("bulwark \\S+ \\(commit (unknown|[0-9a-f]{7,40}(-dirty)?), built \\S+, Java \\S+\\)");
  }

  @Test
  void theUsageLineListsVersion() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Main.command(new String[] {"--help"}, Map.of(), ModuleSource.NONE, new PrintStream(out, true,
        StandardCharsets.UTF_8), System.err);
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("[--version]");
  }
}
