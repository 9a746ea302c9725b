package dev.bulwark.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code metrics.maxTagValues}: a tag that would take unbounded values stops at the cap, the rest fold into "other". */
class TagValueCapTest {

  @Test
  void foldsValuesPastTheCapIntoOtherAndCountsThem() throws Exception {
    try (Metrics metrics = Metrics.create(new MetricsOptions().setMaxTagValues(32))) {
      MeterRegistry registry = metrics.registry();
      List<ILoggingEvent> log = CapturedLog.instead(() -> {
        for (int i = 0; i < 40; i++) {
          Counter.builder("user.hits").tag("path", "/p/" + i).tag("kind", "a").register(registry).increment();
        }
        return null;
      });
      assertThat(registry.find("user.hits").counters()).hasSize(33);
      assertThat(registry.get("user.hits").tag("path", TagValueCap.OTHER).counter().count()).isEqualTo(8);
      assertThat(registry.get("user.hits").tag("path", "/p/2").counter().count()).isEqualTo(1);
      assertThat(registry.get(TagValueCap.FOLDED_METER).functionCounter().count()).isEqualTo(8);
      assertThat(log).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1).first()
          .extracting(ILoggingEvent::getFormattedMessage).asString().contains("user.hits", "path", "maxTagValues");
    }
  }

  @Test
  void countsEachTagOfEachMeterSeparately() throws Exception {
    TagValueCap cap = new TagValueCap(2);
    assertThat(cap.value("a", "t", "1")).isEqualTo("1");
    assertThat(cap.value("a", "t", "2")).isEqualTo("2");
    assertThat(CapturedLog.instead(() -> cap.value("a", "t", "3"))).hasSize(1);
    assertThat(cap.value("a", "t", "4")).isEqualTo(TagValueCap.OTHER);
    assertThat(cap.value("a", "t", "1")).as("a value seen before the cap stays itself").isEqualTo("1");
    assertThat(cap.value("a", "u", "3")).isEqualTo("3");
    assertThat(cap.value("b", "t", "3")).isEqualTo("3");
    assertThat(cap.folded()).isEqualTo(2);
  }
}
