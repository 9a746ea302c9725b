package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.JarProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real fat jar rewritten as parts: every file once, each part's central directory under half of G1's smallest
 * region (so the heap never holds it as a humongous object), and the first part runs the server's main class.
 */
class JarPartsIT {

  private static final int HALF_REGION = 512 * 1024;

  @TempDir
  Path dir;

  @Test
  void everyFileLandsInExactlyOnePartAndNoCentralDirectoryIsHumongous() throws Exception {
    Path jar = JarProcess.fatJar();
    List<Path> parts = JarParts.write(jar, dir);
    assertThat(parts).hasSizeGreaterThan(1);

    List<String> files = new ArrayList<>();
    for (Path part : parts) {
      try (ZipFile zip = new ZipFile(part.toFile())) {
        assertThat(centralDirectory(zip)).as(part + "'s central directory").isLessThan(HALF_REGION);
        Collections.list(zip.entries()).stream().map(ZipEntry::getName)
            .filter(name -> !name.equals(JarFile.MANIFEST_NAME)).forEach(files::add);
      }
    }
    List<String> original = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Collections.list(zip.entries()).stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName)
          .filter(name -> !name.equals(JarFile.MANIFEST_NAME)).forEach(original::add);
    }
    assertThat(files).containsExactlyInAnyOrderElementsOf(original);

    try (JarFile first = new JarFile(parts.get(0).toFile())) {
      Attributes main = first.getManifest().getMainAttributes();
      assertThat(main.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo(Main.class.getName());
      assertThat(main.getValue(Attributes.Name.CLASS_PATH)).isEqualTo("bulwark-2.jar"
          + (parts.size() > 2 ? " bulwark-3.jar" : ""));
    }
    Process version = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        parts.get(0).toString(), "--version").redirectErrorStream(true).start();
    String out = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(version.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).as("exited").isTrue();
    assertThat(version.exitValue()).as(out).isZero();
    assertThat(out).startsWith("bulwark ");
  }

  private static long centralDirectory(ZipFile zip) {
    return Collections.list(zip.entries()).stream().mapToLong(e -> 46 + e.getName().getBytes(StandardCharsets.UTF_8)
        .length + (e.getExtra() == null ? 0 : e.getExtra().length)
        + (e.getComment() == null ? 0 : e.getComment().getBytes(StandardCharsets.UTF_8).length)).sum();
  }
}
