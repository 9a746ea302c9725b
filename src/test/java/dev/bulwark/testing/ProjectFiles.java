package dev.bulwark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of the project's own tree (README, conf/, deploy/), found whether tests run from its root or from target/. */
public final class ProjectFiles {

  private ProjectFiles() {
  }

  /** {@code relative} under the project's root: the working directory, or its parent when tests run in target/. */
  public static Path resolve(String relative) {
    Path here = Path.of("").toAbsolutePath();
    Path candidate = here.resolve(relative);
    return Files.exists(candidate) ? candidate : here.getParent().resolve(relative);
  }
}
