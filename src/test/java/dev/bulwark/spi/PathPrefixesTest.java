package dev.bulwark.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathPrefixesTest {

  @Test
  void matchesWholePathSegmentsOnly() {
    PathPrefixes p = PathPrefixes.of(List.of("/uploads", "/health/", "/critical"));
    assertThat(p.matches("/uploads")).isTrue();
    assertThat(p.matches("/uploads/")).isTrue();
    assertThat(p.matches("/uploads/abc")).isTrue();
    assertThat(p.matches("/uploadsX")).isFalse();
    assertThat(p.matches("/uploads-archive")).isFalse();
    assertThat(p.matches("/health")).isTrue();
    assertThat(p.matches("/health/live")).isTrue();
    assertThat(p.matches("/healthz-export")).isFalse();
    assertThat(p.matches("/critical/data")).isTrue();
    assertThat(p.matches("/")).isFalse();
    assertThat(p.matches(null)).isFalse();
  }

  @Test
  void givesTheValueOfThePrefixAPathLiesUnder() {
    PathPrefixes p = new PathPrefixes.Builder().add("/uploads", 2048).add("/bulk/", 99).build();
    assertThat(p.valueOf("/uploads/x", 7)).isEqualTo(2048);
    assertThat(p.valueOf("/bulk", 7)).isEqualTo(99);
    assertThat(p.valueOf("/uploadsX", 7)).isEqualTo(7);
  }

  @Test
  void theRootPrefixMatchesEverything() {
    assertThat(PathPrefixes.of(List.of("/")).matches("/anything/at/all")).isTrue();
  }

  @Test
  void refusesAPrefixThatIsNotAPath() {
    assertThatThrownBy(() -> PathPrefixes.of(List.of("uploads"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PathPrefixes.of(List.of(""))).isInstanceOf(IllegalArgumentException.class);
  }
}
