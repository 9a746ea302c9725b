package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.memory.MemoryOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code memory.nettyBufferQueue} reaches Netty as its system property, which an operator's own {@code -D} beats. */
class ConfigureNettyTest {

  private String before;

  @BeforeEach
  void saveProperty() {
    before = System.clearProperty(Main.MAGAZINE_QUEUE_PROPERTY);
  }

  @AfterEach
  void restoreProperty() {
    if (before == null) {
      System.clearProperty(Main.MAGAZINE_QUEUE_PROPERTY);
    } else {
      System.setProperty(Main.MAGAZINE_QUEUE_PROPERTY, before);
    }
  }

  @Test
  void setsTheMagazineQueueFromConfig() {
    Main.configureNetty(new MemoryOptions().setNettyBufferQueue(64));
    assertThat(System.getProperty(Main.MAGAZINE_QUEUE_PROPERTY)).isEqualTo("64");
  }

  @Test
  void defaultsTo128() {
    Main.configureNetty(new MemoryOptions());
    assertThat(System.getProperty(Main.MAGAZINE_QUEUE_PROPERTY)).isEqualTo("128");
  }

  @Test
  void leavesAnOperatorsOwnPropertyAlone() {
    System.setProperty(Main.MAGAZINE_QUEUE_PROPERTY, "512");
    Main.configureNetty(new MemoryOptions().setNettyBufferQueue(64));
    assertThat(System.getProperty(Main.MAGAZINE_QUEUE_PROPERTY)).isEqualTo("512");
  }

  @Test
  void refusesAQueueOutsideItsRange() {
    assertThatThrownBy(() -> new MemoryOptions().setNettyBufferQueue(8)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nettyBufferQueue");
  }
}
