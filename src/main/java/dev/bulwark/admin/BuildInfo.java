package dev.bulwark.admin;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * What this build of Bulwark is: its version, the commit it was built from ({@code unknown} when the build had no git
 * repository) and whether the checkout had uncommitted changes, and when it was built. Maven bakes these into
 * {@code bulwark-build.properties} at build time; {@link #current()} reads that file once, the first time it is asked
 * (the server asks at start, off any event loop), and the answer never changes.
 */
public record BuildInfo(String version, String commit, boolean dirty, String buildTime) {

  /** What an unknown value reads as. */
  public static final String UNKNOWN = "unknown";
  private static final String RESOURCE = "/bulwark-build.properties";

  /** The build information of the running code; read from the class path once. */
  public static BuildInfo current() {
    return Current.INFO;
  }

  /** The build information in {@code properties}: {@code version}, {@code commit}, {@code dirty}, {@code buildTime}. */
  static BuildInfo from(Properties properties) {
    return new BuildInfo(known(properties.getProperty("version")), known(properties.getProperty("commit")),
        "true".equals(properties.getProperty("dirty")), known(properties.getProperty("buildTime")));
  }

  /** A value Maven did not fill in (still {@code ${...}}) or left empty is unknown. */
  private static String known(String value) {
    return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
  }

  /** The commit as {@code git describe --dirty} would end: {@code 1a2b3c4}, {@code 1a2b3c4-dirty} or unknown. */
  public String describedCommit() {
    return dirty && !commit.equals(UNKNOWN) ? commit + "-dirty" : commit;
  }

  /** The Java version running this code. */
  public static String javaVersion() {
    return System.getProperty("java.version", UNKNOWN);
  }

  /** What {@code --version} prints: {@code bulwark 0.1.0 (commit 1a2b3c4, built <UTC time>, Java 17.0.15)}. */
  public String versionLine() {
    return "bulwark " + version + " (commit " + describedCommit() + ", built " + buildTime + ", Java " + javaVersion()
        + ")";
  }

  /** Registers {@code bulwark_build_info{version,commit,java} 1}, the usual way to join a build to other series. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.build.info", () -> 1)
        .description("Always 1; the labels say which build is running")
        .tag("version", version)
        .tag("commit", describedCommit())
        .tag("java", javaVersion())
        .strongReference(true)
        .register(registry);
  }

  /** Holds the one reading of the class path's build file, made when first asked. */
  private static final class Current {

    static final BuildInfo INFO = read();

    private static BuildInfo read() {
      Properties properties = new Properties();
      try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        // A jar whose own resource cannot be read fails louder elsewhere; here every value honestly reads unknown.
        properties.clear();
      }
      return from(properties);
    }
  }
}
