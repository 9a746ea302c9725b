package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {

  @Test
  void logsOneLinePerRequestOnlyWhenAccessLogIsOn() throws Exception {
    assertThat(linesFor(false)).isEmpty();
    assertThat(linesFor(true)).hasSize(3).allSatisfy(line -> assertThat(line).contains("GET /hello"));
  }

  private static java.util.List<String> linesFor(boolean accessLog) throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    try (TestServer server = TestServer.start(
        new JsonObject().put("logging", new JsonObject().put("accessLog", accessLog)))) {
      root.addAppender(captured);
      for (int i = 0; i < 3; i++) {
        server.get("/hello");
      }
    } finally {
      root.detachAppender(captured);
    }
    return captured.list.stream().map(ILoggingEvent::getFormattedMessage)
        .filter(m -> m.contains("/hello") || m.contains("/admin/status")).toList();
  }
}
