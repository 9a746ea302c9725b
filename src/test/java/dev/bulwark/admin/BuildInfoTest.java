package dev.bulwark.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The build information Maven bakes into the jar, as read back, and its gauge. */
class BuildInfoTest {

  @Test
  void theBuildFileOfThisBuildIsFilledIn() {
    BuildInfo build = BuildInfo.current();
    assertThat(build.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    assertThat(build.buildTime()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
    assertThat(build.commit()).matches("unknown|[0-9a-f]{7,40}");
    assertThat(BuildInfo.current()).as("read once").isSameAs(build);
  }

  @Test
  void whatMavenDidNotFillInReadsUnknown() {
    Properties unfilled = new Properties();
    unfilled.setProperty("version", "0.2.0");
    unfilled.setProperty("commit", "${git.commit.id.abbrev}");
    unfilled.setProperty("dirty", "${git.dirty}");
    unfilled.setProperty("buildTime", " ");
    BuildInfo build = BuildInfo.from(unfilled);
    assertThat(build).isEqualTo(new BuildInfo("0.2.0", "unknown", false, "unknown"));
    assertThat(build.describedCommit()).isEqualTo("unknown");
    assertThat(BuildInfo.from(new Properties()).version()).isEqualTo("unknown");
  }

  @Test
  void theVersionLineNamesVersionCommitBuildTimeAndJava() {
    BuildInfo build = new BuildInfo("0.3.1", "abc1234", true, "2026-11-27T10:00:00Z");
    assertThat(build.versionLine()).isEqualTo("bulwark 0.3.1 (commit abc1234-dirty, built 2026-11-27T10:00:00Z, "
        + "Java " + System.getProperty("java.version") + ")");
  }

  @Test
  void theGaugeIsOneWithTheBuildAsTags() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new BuildInfo("0.3.1", "abc1234", false, "2026-11-27T10:00:00Z").bindTo(registry);
    Gauge gauge = registry.get("bulwark.build.info").tag("version", "0.3.1").tag("commit", "abc1234")
        .tag("java", System.getProperty("java.version")).gauge();
    assertThat(gauge.value()).isEqualTo(1.0);
  }
}
