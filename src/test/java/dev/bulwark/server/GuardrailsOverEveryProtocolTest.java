package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.bulwark.stream.UploadOptions;
import dev.bulwark.testing.CapturedLog;
import dev.bulwark.testing.Curl;
import dev.bulwark.testing.SelfSignedPem;
import dev.bulwark.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The main port's limits and guards hold whatever protocol a client speaks: HTTP/2 over TLS (ALPN), HTTP/1.1 over TLS
 * and cleartext HTTP/2 (h2c, prior knowledge) each get 413 for an oversized body, 431 for a header list past
 * {@code http.maxHeaderSize}, 503 {@code overloaded} with Retry-After past {@code http.maxConcurrentRequests}, the
 * JSON 404 for an unknown route, 414 for a long target, {@code nosniff} on every answer, and a connection past
 * {@code http.maxConnections} closed and counted; none of it logs an ERROR or a stack trace.
 */
class GuardrailsOverEveryProtocolTest {

  private static final long TIMEOUT_S = 10;
  private static final int MAX_CONNECTIONS = 3;

  enum Protocol { H2_TLS, HTTP1_TLS, H2C }

  private static Vertx vertx;
  private static SelfSignedPem pem;
  private static TestServer tls;
  private static TestServer h2c;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-protocols");
    pem = SelfSignedPem.create(dir, "server");
    JsonObject limits = new JsonObject().put("instances", 1).put("maxConcurrentRequests", 1).put("retryAfter", "7s")
        .put("maxConnections", MAX_CONNECTIONS);
    tls = TestServer.startTls(new JsonObject().put("http", limits.copy().put("tls", pem.tlsSection())),
        pem.trusting());
    h2c = TestServer.start(new JsonObject().put("http", limits.copy().put("h2c", true)));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    tls.close();
    h2c.close();
  }

  private static TestServer server(Protocol protocol) {
    return protocol == Protocol.H2C ? h2c : tls;
  }

  private static HttpClient client(Protocol protocol) {
    HttpClientOptions options = new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server(protocol).port());
    switch (protocol) {
      case H2_TLS -> options.setProtocolVersion(HttpVersion.HTTP_2).setSsl(true).setUseAlpn(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(pem.certFile().toString()));
      case HTTP1_TLS -> options.setProtocolVersion(HttpVersion.HTTP_1_1).setSsl(true)
          .setTrustOptions(new PemTrustOptions().addCertPath(pem.certFile().toString()));
      case H2C -> options.setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false);
    }
    return vertx.createHttpClient(options);
  }

  private record Reply(HttpClientResponse response, String body) {

    JsonObject json() {
      return new JsonObject(body);
    }
  }

  private static Future<Reply> send(HttpClient client, HttpMethod method, String uri, Buffer body) {
    return client.request(new RequestOptions().setMethod(method).setURI(uri))
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(r -> r.body().map(b -> new Reply(r, b.toString(StandardCharsets.UTF_8))));
  }

  /** One request on a client of its own, answered in full; asserts the protocol spoken and nosniff. */
  private static Reply exchange(Protocol protocol, HttpMethod method, String uri, Buffer body) throws Exception {
    HttpClient client = client(protocol);
    try {
      Reply reply = send(client, method, uri, body).await(TIMEOUT_S, TimeUnit.SECONDS);
      assertSpoken(protocol, reply);
      return reply;
    } finally {
      client.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  private static void assertSpoken(Protocol protocol, Reply reply) {
    assertThat(reply.response().version()).isEqualTo(protocol == Protocol.HTTP1_TLS ? HttpVersion.HTTP_1_1
        : HttpVersion.HTTP_2);
    assertThat(reply.response().headers().getAll("x-content-type-options")).containsExactly("nosniff");
  }

  /** The reply, or a failure that says what the server was doing when it did not come. */
  private static Reply awaitOrSayWhy(TestServer server, Future<Reply> reply) throws Exception {
    try {
      return reply.await(TIMEOUT_S, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      // Seen twice in CI (an h2 and an h2c request), never reproduced here: what the server saw is the lead.
      JsonObject status = server.status();
      throw new AssertionError("no answer in " + TIMEOUT_S + " s; the server's status: "
          + status.getJsonObject("http").encode() + ", pressure " + status.getJsonObject("pressure").getString("level"),
          e);
    }
  }

  private static void quietly(Callable<?> action) throws Exception {
    List<ILoggingEvent> events = CapturedLog.during(action);
    TlsServerTest.assertQuiet(events);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void anOversizedBodyGets413(Protocol protocol) throws Exception {
    quietly(() -> {
      Reply reply = exchange(protocol, HttpMethod.POST, "/session/data/k", Buffer.buffer(new byte[2 << 20]));
      assertThat(reply.response().statusCode()).isEqualTo(413);
      assertThat(reply.json().getString("error")).isEqualTo("request_too_large");
      return null;
    });
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void aHeaderListPastMaxHeaderSizeGets431(Protocol protocol) throws Exception {
    // curl: Vert.x's own client refuses to send a header list past the server's advertised limit.
    String version = switch (protocol) {
      case H2_TLS -> "--http2";
      case HTTP1_TLS -> "--http1.1";
      case H2C -> "--http2-prior-knowledge";
    };
    String scheme = protocol == Protocol.H2C ? "http" : "https";
    quietly(() -> {
      String out = Curl.run(pem.certFile(), version, "-o", "/dev/null", "-w", "%{http_code} %{http_version}", "-H",
          "X-Big: " + "a".repeat(9000), scheme + "://127.0.0.1:" + server(protocol).port() + "/hello");
      assertThat(out).isEqualTo("431 " + (protocol == Protocol.HTTP1_TLS ? "1.1" : "2"));
      return null;
    });
  }

  @Test
  void http2sHeaderListLimitFollowsHttpMaxHeaderSize() {
    HttpOptions http = new HttpOptions().setMaxHeaderSize(16 << 10);
    assertThat(HttpVerticle.serverOptions(http, new UploadOptions()).getInitialSettings().getMaxHeaderListSize())
        .as("advertised in SETTINGS and enforced by the HPACK decoder").isEqualTo(16 << 10);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void pastTheInFlightLimitGets503WithRetryAfter(Protocol protocol) throws Exception {
    TestServer server = server(protocol);
    // What an earlier test left (a request still counted, a connection closing) must not pass for the slow request.
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0
        && s.getJsonObject("http").getInteger("connections") == 0);
    HttpClient client = client(protocol);
    try {
      quietly(() -> {
        Future<Reply> slow = send(client, HttpMethod.GET, "/demo/slow?ms=1000", null);
        server.awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 1);
        Reply refused = awaitOrSayWhy(server, send(client, HttpMethod.GET, "/hello", null));
        assertSpoken(protocol, refused);
        assertThat(refused.response().statusCode()).isEqualTo(503);
        assertThat(refused.response().getHeader("retry-after")).isEqualTo("7");
        assertThat(refused.json().getString("error")).isEqualTo("overloaded");
        assertThat(slow.await(TIMEOUT_S, TimeUnit.SECONDS).response().statusCode()).isEqualTo(200);
        return null;
      });
    } finally {
      client.close().await(TIMEOUT_S, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void anUnknownRouteGetsTheJson404(Protocol protocol) throws Exception {
    Reply reply = exchange(protocol, HttpMethod.GET, "/nothing-here", null);
    assertThat(reply.response().statusCode()).isEqualTo(404);
    assertThat(reply.response().getHeader("content-type")).startsWith("application/json");
    assertThat(reply.json().getString("error")).isEqualTo("not_found");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void aLongTargetGets414(Protocol protocol) throws Exception {
    quietly(() -> {
      assertThat(exchange(protocol, HttpMethod.GET, "/hello?q=" + "a".repeat(5000), null).response().statusCode())
          .isEqualTo(414);
      return null;
    });
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Protocol.class)
  void aConnectionPastMaxConnectionsIsClosedAndCounted(Protocol protocol) throws Exception {
    TestServer server = server(protocol);
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("connections") == 0);
    long refusedBefore = server.status().getJsonObject("http").getLong("refusedConnections");
    List<HttpClient> kept = new ArrayList<>();
    try {
      quietly(() -> {
        for (int i = 0; i < MAX_CONNECTIONS; i++) {
          HttpClient client = client(protocol);
          kept.add(client);
          assertThat(awaitOrSayWhy(server, send(client, HttpMethod.GET, "/hello", null)).body()).isEqualTo("hello");
        }
        server.awaitStatus(s -> s.getJsonObject("http").getInteger("connections") == MAX_CONNECTIONS);
        HttpClient extra = client(protocol);
        kept.add(extra);
        assertThatThrownBy(() -> send(extra, HttpMethod.GET, "/hello", null).await(TIMEOUT_S, TimeUnit.SECONDS))
            .as("a connection past the limit is never served").isNotNull();
        server.awaitStatus(s -> s.getJsonObject("http").getLong("refusedConnections") == refusedBefore + 1);
        return null;
      });
    } finally {
      for (HttpClient client : kept) {
        client.close().await(TIMEOUT_S, TimeUnit.SECONDS);
      }
    }
    server.awaitStatus(s -> s.getJsonObject("http").getInteger("connections") == 0);
  }
}
