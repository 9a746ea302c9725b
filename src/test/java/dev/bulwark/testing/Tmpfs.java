package dev.bulwark.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small real file system for tests of a full disk: a tmpfs of the given size, mounted on a fresh temporary
 * directory and unmounted (lazily when still busy) on close. Needs root; {@link #whyNot} says why it cannot be had.
 */
public final class Tmpfs implements AutoCloseable {

  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Why a tmpfs cannot be mounted here, or null when it can be tried. */
  public static String whyNot() {
    return isRoot() ? null : "mounting a tmpfs needs root; running as " + System.getProperty("user.name");
  }

  /** Mounts a tmpfs of {@code size} (as mount's size= takes it: {@code 8m}); fails with mount's words. */
  public static Tmpfs mount(String size) throws Exception {
    Path dir = Files.createTempDirectory("bulwark-tmpfs");
    String failure = run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    if (failure != null) {
      Files.deleteIfExists(dir);
      throw new IllegalStateException("cannot mount a tmpfs here: " + failure);
    }
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws Exception {
    String failure = run("umount", dir.toString());
    if (failure != null) { // still busy (a test failed with a file open): detach it now, freed once released
      failure = run("umount", "-l", dir.toString());
    }
    Files.deleteIfExists(dir);
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  private static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (Exception notLinux) {
      return false;
    }
  }

  /** Runs a command; null when it succeeded, else what it printed. */
  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    return p.waitFor() == 0 ? null : String.join(" ", command) + ": " + out;
  }
}
