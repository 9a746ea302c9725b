package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.spi.RouteModule;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** {@code port: 0} means one free port for the whole server, and every port the server binds is in its log. */
class BoundPortsTest {

  /** Answers with the name of the event loop that served the request. */
  private static final class ThreadModule implements RouteModule {
    @Override
    public String name() {
      return "thread";
    }

    @Override
    public void mount(Router router, Context context) {
      router.get("/thread").handler(ctx -> ctx.end(Thread.currentThread().getName()));
    }
  }

  @Test
  void portZeroWithTwoEventLoopsServesBothOnTheOnePortItReports() throws Exception {
    try (TestServer server = TestServer.start(new JsonObject().put("http", new JsonObject().put("instances", 2)),
        () -> List.of(new ThreadModule()))) {
      Set<String> loops = new HashSet<>();
      // Each request on a connection of its own: the shared server hands new connections to its verticles in turn.
      for (int i = 0; i < 8; i++) {
        String answer = RawHttp.exchange(server.port(),
            "GET /thread HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        loops.add(answer.substring(answer.indexOf("\r\n\r\n") + 4));
      }
      assertThat(loops).as("event loops serving the reported port").hasSize(2);
    }
  }

  @Test
  void everyBoundPortIsLoggedAtStart() throws Exception {
    AtomicReference<TestServer> started = new AtomicReference<>();
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      started.set(TestServer.start(new JsonObject().put("metrics", new JsonObject().put("port", 0))));
      return null;
    });
    try (TestServer server = started.get()) {
      List<String> lines = events.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Bulwark listening on 127.0.0.1:" + server.port()
          + " "));
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Admin port on 127.0.0.1:"
          + server.server().adminPort() + ";"));
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("Metrics scrape on 127.0.0.1:"
          + server.server().metricsPort() + "/metrics"));
    }
  }
}
