package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.LeakCanary;
import dev.bulwark.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.AbstractByteBuf;
import io.netty.util.ResourceLeakDetector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Netty's buffer leak detector reports to the newest server's {@link NettyLeaks}: counted, kept with its records, and
 * (in tests, which run at PARANOID) Netty's own ERROR line kept off the console.
 */
class NettyLeaksTest {

  private static LeakOptions paranoid(int maxReports) {
    return new LeakOptions().setNettyLevel("PARANOID").setMaxNettyReports(maxReports);
  }

  @Test
  void aBufferDroppedUnreleasedIsCountedAndKeptWithItsRecordsAndNettysErrorStaysOffTheConsole() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    NettyLeaks leaks = NettyLeaks.install(paranoid(3), registry);
    try {
      List<ILoggingEvent> log = CapturedLog.instead(() -> {
        LeakCanary.dropUnreleased();
        LeakCanary.awaitReports(leaks::reports, 1);
        return null;
      });
      assertThat(leaks.reports()).isGreaterThanOrEqualTo(1);
      assertThat(registry.get(NettyLeaks.METER_NAME).counter().count()).isGreaterThanOrEqualTo(1);
      JsonObject json = leaks.toJson();
      assertThat(json.getString("level")).isEqualTo("PARANOID");
      assertThat(json.getLong("reports")).isEqualTo(leaks.reports());
      assertThat(json.containsKey("unavailable")).isFalse();
      JsonObject report = json.getJsonArray("recent").getJsonObject(0);
      assertThat(report.getString("type")).isEqualTo("ByteBuf");
      assertThat(report.getString("at")).isNotBlank();
      assertThat(report.getString("records")).contains("Created at:").contains("LeakCanary.dropUnreleased")
          .hasSizeLessThanOrEqualTo(NettyLeaks.MAX_RECORDS_CHARS + 100);
      assertThat(log).as("Netty's own report, captured instead of printed").anySatisfy(e -> {
        assertThat(e.getLevel()).isEqualTo(Level.ERROR);
        assertThat(e.getLoggerName()).isEqualTo(ResourceLeakDetector.class.getName());
        assertThat(e.getFormattedMessage()).contains("LEAK:");
      });
    } finally {
      leaks.close();
    }
  }

  @Test
  void installingAgainKeepsOneListenerAndReportsToTheNewestStillOpen() throws Exception {
    NettyLeaks first = NettyLeaks.install(paranoid(5), new SimpleMeterRegistry());
    NettyLeaks second = NettyLeaks.install(paranoid(5), new SimpleMeterRegistry());
    try {
      assertThat(detectorListener()).isSameAs(NettyLeaks.listener());
      NettyLeaks.listener().onLeak("ByteBuf", "records one");
      assertThat(second.reports()).isEqualTo(1);
      assertThat(first.reports()).isZero();
      second.close();
      NettyLeaks.listener().onLeak("ByteBuf", "records two");
      assertThat(second.reports()).as("a closed server hears nothing").isEqualTo(1);
      assertThat(first.reports()).as("the newest still open hears it").isEqualTo(1);
    } finally {
      first.close();
      second.close();
    }
  }

  private static Object detectorListener() throws Exception {
    Field detector = AbstractByteBuf.class.getDeclaredField("leakDetector");
    detector.setAccessible(true);
    Field listener = ResourceLeakDetector.class.getDeclaredField("leakListener");
    listener.setAccessible(true);
    return listener.get(detector.get(null));
  }

  @Test
  void onlyTheLastReportsAreKeptNewestFirstWithLongRecordsCut() {
    NettyLeaks leaks = NettyLeaks.install(paranoid(2), new SimpleMeterRegistry());
    try {
      NettyLeaks.listener().onLeak("ByteBuf", "first");
      NettyLeaks.listener().onLeak("ByteBuf", "x".repeat(100_000));
      NettyLeaks.listener().onLeak("ByteBuf", "third");
      JsonObject json = leaks.toJson();
      assertThat(json.getLong("reports")).isEqualTo(3);
      JsonArray recent = json.getJsonArray("recent");
      assertThat(recent).hasSize(2);
      assertThat(recent.getJsonObject(0).getString("records")).isEqualTo("third");
      String cut = recent.getJsonObject(1).getString("records");
      assertThat(cut).startsWith("x".repeat(NettyLeaks.MAX_RECORDS_CHARS))
          .endsWith("(" + (100_000 - NettyLeaks.MAX_RECORDS_CHARS) + " more characters)")
          .hasSizeLessThan(NettyLeaks.MAX_RECORDS_CHARS + 100);
    } finally {
      leaks.close();
    }
  }

  @Test
  void aServerShowsNettysLevelInAdminStatusWithNettysOwnFlagWinningOverTheConfig() throws Exception {
    // The test JVM runs with -Dio.netty.leakDetection.level=paranoid (pom.xml); the config asks for SIMPLE.
    try (TestServer server = TestServer.start(new JsonObject()
        .put("leaks", new JsonObject().put("nettyLevel", "SIMPLE")))) {
      JsonObject netty = server.status().getJsonObject("nettyLeaks");
      String flag = System.getProperty(NettyLeaks.LEVEL_PROPERTY);
      assertThat(netty.getString("level")).isEqualTo(flag == null ? "SIMPLE" : flag.toUpperCase());
      assertThat(netty.getLong("reports")).isZero();
      assertThat(netty.containsKey("recent")).as("the records are in /admin/leaks only").isFalse();
      JsonObject leaks = new JsonObject(server.admin("/admin/leaks", server.server().adminToken()).body());
      assertThat(leaks.getJsonObject("netty").getJsonArray("recent")).isEmpty();
    }
  }
}
