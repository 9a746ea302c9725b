package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.admin.BuildInfo;
import dev.bulwark.testing.JarProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar target/bulwark.jar --version} on the built jar: the build information shaded into it, one line,
 * exit 0, and the commit the one git reports for the checkout the jar was built from (unknown without git).
 */
class VersionIT {

  @Test
  void theJarPrintsItsBuildAndTheCommitItWasBuiltFrom() throws Exception {
    Path fatJar = JarProcess.fatJar();
    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        fatJar.toString(), "--version").redirectErrorStream(true).start();
    String out = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(java.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(java.exitValue()).as(out).isZero();
    assertThat(out.lines()).hasSize(1);
    assertThat(out.strip()).as("the same build file as the classes under test").isEqualTo(
        BuildInfo.current().versionLine());
    String head = gitHead(fatJar.getParent().getParent());
    String commit = BuildInfo.current().commit();
    if (head == null) {
      assertThat(commit).isEqualTo("unknown");
    } else {
      assertThat(head).startsWith(commit);
    }
  }

  /** {@code git rev-parse HEAD} in {@code dir}, or null where there is no git or no repository. */
  private static String gitHead(Path dir) throws InterruptedException {
    try {
      Process git = new ProcessBuilder("git", "rev-parse", "HEAD").directory(dir.toFile()).start();
      String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return git.waitFor(30, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : null;
    } catch (java.io.IOException noGit) {
      return null;
    }
  }
}
