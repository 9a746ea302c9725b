package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An HTTP/2 client (prior knowledge) receives the real status of every refusal, never a protocol error. Each test has
 * a client (and so a connection) of its own: what one test's refusals did to its connection (streams reset once
 * answered) must not decide whether the next test's request is sent.
 */
class Http2RefusalTest {

  private static TestServer server;
  private static Path inject;
  private static Vertx vertx;
  private HttpClient h2;

  @BeforeAll
  static void start() throws Exception {
    inject = Files.createTempDirectory("bulwark-h2").resolve("pressure");
    server = TestServer.start(new JsonObject().put("memory", new JsonObject().put("injectFile", inject.toString())
        .put("sampleInterval", "20ms").put("minDwell", "0s").put("gcProbeInterval", "0s"))
        .put("http", new JsonObject().put("h2c", true)));
    vertx = Vertx.vertx();
  }

  @BeforeEach
  void connect() {
    h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
  }

  @AfterEach
  void disconnect() throws Exception {
    h2.close().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    Files.deleteIfExists(inject);
    server.close();
  }

  private record Reply(HttpClientResponse response, JsonObject body) {
  }

  private Reply send(HttpMethod method, String uri, Buffer body) throws Exception {
    return h2.request(new RequestOptions().setMethod(method).setURI(uri))
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(r -> r.body().map(b -> new Reply(r,
            "application/json".equals(r.getHeader("content-type")) ? b.toJsonObject() : new JsonObject())))
        .await(10, TimeUnit.SECONDS);
  }

  @Test
  void anOversizedBodyGets413() throws Exception {
    Reply reply = send(HttpMethod.POST, "/session/data/k", Buffer.buffer(new byte[2 << 20]));
    assertThat(reply.response().version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(reply.response().statusCode()).isEqualTo(413);
    assertThat(reply.response().getHeader("connection")).isNull();
    assertThat(reply.body().getString("error")).isEqualTo("request_too_large");
    Reply after = send(HttpMethod.GET, "/hello", null);
    assertThat(after.response().statusCode()).as("the connection still serves").isEqualTo(200);
  }

  @Test
  void aShedRequestGets503WithRetryAfterUnderCriticalPressure() throws Exception {
    Files.writeString(inject, "0.95");
    try {
      server.awaitStatus(s -> s.getJsonObject("pressure").getString("level").equals("CRITICAL"));
      Reply shed = send(HttpMethod.GET, "/hello", null);
      assertThat(shed.response().statusCode()).isEqualTo(503);
      assertThat(shed.response().getHeader("retry-after")).isNotNull();
      assertThat(shed.body().getString("error")).isEqualTo("overloaded");
      Reply withBody = send(HttpMethod.PUT, "/cache/default/k", Buffer.buffer("value"));
      assertThat(withBody.response().statusCode()).isEqualTo(503);
    } finally {
      Files.deleteIfExists(inject);
      server.awaitStatus(s -> s.getJsonObject("pressure").getString("level").equals("NORMAL"));
    }
  }
}
