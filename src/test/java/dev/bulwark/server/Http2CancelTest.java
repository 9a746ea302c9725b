package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 client that cancels its stream (RST_STREAM CANCEL) while the route still works on it: the client going
 * away, never an unexpected failure of the server. The request's scope is released as a client close, the connection
 * serves the next stream, and nothing reaches the log at ERROR or with a stack trace.
 */
class Http2CancelTest {

  private static final long TIMEOUT_S = 10;
  /** The HTTP/2 error code a browser sends when the user navigates away (RFC 9113 section 7). */
  private static final long CANCEL = 0x8;
  private static TestServer server;
  private static Vertx vertx;
  private static HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("http", new JsonObject().put("h2c", true)));
    vertx = Vertx.vertx();
    h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
  }

  @AfterAll
  static void stop() throws Exception {
    h2.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    vertx.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void aStreamResetMidRequestIsTheClientLeavingNotAnError() throws Exception {
    long closedBefore = released("client_close");
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      for (String uri : new String[] {"/demo/slow?ms=5000", "/demo/timer?ms=5000"}) {
        HttpClientRequest request = h2.request(HttpMethod.GET, uri).await(TIMEOUT_S, TimeUnit.SECONDS);
        request.exceptionHandler(e -> { }); // the reset is ours
        request.send();
        server.awaitStatus(s -> s.getJsonObject("scopes").getLong("open") == 1); // the route is at work on it
        request.reset(CANCEL).await(TIMEOUT_S, TimeUnit.SECONDS);
        server.awaitStatus(s -> s.getJsonObject("scopes").getLong("open") == 0);
      }
      return null;
    });
    assertThat(released("client_close")).isEqualTo(closedBefore + 2);
    assertQuiet(events);
    assertStillServing();
  }

  @Test
  void aStreamResetWhileItsBodyIsReadIsTheClientLeavingNotAnError() throws Exception {
    List<ILoggingEvent> events = CapturedLog.during(() -> {
      for (String uri : new String[] {"/cache/default/k", "/session/data/k"}) {
        HttpClientRequest request = h2.request(HttpMethod.PUT, uri).await(TIMEOUT_S, TimeUnit.SECONDS);
        request.exceptionHandler(e -> { }); // the reset is ours
        request.setChunked(true).write(Buffer.buffer(new byte[1000])).await(TIMEOUT_S, TimeUnit.SECONDS);
        server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 1); // its body is being read
        request.reset(CANCEL).await(TIMEOUT_S, TimeUnit.SECONDS);
        server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0);
      }
      return null;
    });
    assertQuiet(events);
    assertStillServing();
  }

  private static void assertQuiet(List<ILoggingEvent> events) {
    assertThat(events).as("no ERROR and no stack trace in the log")
        .noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
  }

  private static void assertStillServing() throws Exception {
    int status = h2.request(HttpMethod.GET, "/hello").compose(r -> r.send().compose(resp -> resp.body()
        .map(resp.statusCode()))).await(TIMEOUT_S, TimeUnit.SECONDS);
    assertThat(status).as("the connection serves the next stream").isEqualTo(200);
  }

  private static long released(String reason) throws Exception {
    return server.status().getJsonObject("scopes").getJsonObject("released").getLong(reason);
  }
}
