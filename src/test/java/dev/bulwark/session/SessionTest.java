package dev.bulwark.session;

import static dev.bulwark.session.SessionHttp.errorOf;
import static dev.bulwark.session.SessionHttp.newSession;
import static dev.bulwark.session.SessionHttp.putAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions on the bounded local store, over real HTTP, on two event loops. */
class SessionTest {

  private static final int MAX_KEYS = 32;
  private static final int MAX_VALUE = 4096;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("http", new JsonObject().put("instances", 2))
        .put("sessions", new JsonObject().put("maxSessions", 50).put("maxValueSize", MAX_VALUE)
            .put("maxKeys", MAX_KEYS)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpClient browser() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(new CookieManager()).build();
  }

  private static HttpResponse<String> send(HttpClient client, String method, String path, String body)
      throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void countsVisitsPerClientWithAnHttpOnlyLaxCookie() throws Exception {
    HttpClient alice = browser();
    HttpResponse<String> first = send(alice, "GET", "/session", null);
    String cookie = first.headers().firstValue("set-cookie").orElseThrow();
    assertThat(cookie).startsWith("bulwark.session=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax")
        .doesNotContainIgnoringCase("Secure");
    assertThat(cookie.split(";")[0].substring("bulwark.session=".length()))
        .as("at least 32 random bytes, base64url").matches("[A-Za-z0-9_-]{43,}");
    assertThat(new JsonObject(first.body()).getInteger("visits")).isEqualTo(1);
    HttpResponse<String> second = send(alice, "GET", "/session", null);
    assertThat(new JsonObject(second.body()).getInteger("visits")).isEqualTo(2);
    assertThat(new JsonObject(second.body()).fieldNames()).as("the id is never in a body").containsExactly("visits");
    assertThat(second.headers().firstValue("set-cookie")).as("a known session is not announced again").isEmpty();
    assertThat(first.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(new JsonObject(send(browser(), "GET", "/session", null).body()).getInteger("visits"))
        .as("another client").isEqualTo(1);
  }

  @Test
  void theCookieFollowsItsConfig() throws Exception {
    try (TestServer secure = TestServer.start(new JsonObject().put("sessions", new JsonObject()
        .put("cookieName", "sid").put("cookieSecure", true).put("sameSite", "Strict")))) {
      String cookie = SessionHttp.send(secure.port(), "GET", "/session", null, null).headers()
          .firstValue("set-cookie").orElseThrow();
      assertThat(cookie).startsWith("sid=").contains("Path=/").contains("Secure").containsIgnoringCase("HttpOnly")
          .contains("SameSite=Strict");
    }
  }

  @Test
  void anUnknownIdIsNeverAdopted() throws Exception {
    String planted = "bulwark.session=" + "A".repeat(43);
    HttpResponse<byte[]> r = SessionHttp.send(server.port(), "GET", "/session", null, planted);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("set-cookie").orElseThrow()).as("a fresh id, not the planted one")
        .startsWith("bulwark.session=").doesNotContain("A".repeat(43));
  }

  @Test
  void parallelWritesOfDistinctKeysKeepExactlyMaxKeys() throws Exception {
    String cookie = newSession(server.port());
    byte[][] values = SessionHttp.values(1, 60, 200);
    List<HttpResponse<byte[]>> puts = putAll(values, cookie, i -> server.port());
    SessionHttp.assertKeptExactly(puts, MAX_KEYS);
    for (int i = 0; i < values.length; i++) {
      HttpResponse<byte[]> get = SessionHttp.send(server.port(), "GET", "/session/data/k" + i, null, cookie);
      if (puts.get(i).statusCode() == 204) {
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(get.body()).as("k" + i).isEqualTo(values[i]);
      } else {
        assertThat(get.statusCode()).as("k" + i + " was refused, so it is not there").isEqualTo(404);
        assertThat(errorOf(get)).isEqualTo("not_found");
      }
    }
  }

  @Test
  void binaryValuesRoundTripExactly() throws Exception {
    String cookie = newSession(server.port());
    byte[] ff = new byte[MAX_VALUE];
    Arrays.fill(ff, (byte) 0xFF);
    HttpResponse<byte[]> put = SessionHttp.send(server.port(), "PUT", "/session/data/bin", ff, cookie);
    assertThat(put.statusCode()).isEqualTo(204);
    assertThat(put.headers().firstValue("cache-control")).hasValue("no-store");
    HttpResponse<byte[]> get = SessionHttp.send(server.port(), "GET", "/session/data/bin", null, cookie);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(ff);
    assertThat(get.headers().firstValue("content-type")).hasValue("application/octet-stream");
    assertThat(get.headers().firstValue("cache-control")).hasValue("no-store");
  }

  @Test
  void aValueOverTheLimitIsRefusedAndNothingIsStored() throws Exception {
    String cookie = newSession(server.port());
    HttpResponse<byte[]> big = SessionHttp.send(server.port(), "PUT", "/session/data/big", new byte[MAX_VALUE + 1],
        cookie);
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(errorOf(big)).isEqualTo("value_too_large");
    assertThat(big.headers().firstValue("cache-control")).hasValue("no-store");
    String chunked = RawHttp.exchange(server.port(), "PUT /session/data/big HTTP/1.1\r\nHost: x\r\nCookie: " + cookie
        + "\r\nTransfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(MAX_VALUE + 1) + "\r\n"
        + "x".repeat(MAX_VALUE + 1) + "\r\n0\r\n\r\n");
    assertThat(chunked).startsWith("HTTP/1.1 413").contains("value_too_large");
    HttpResponse<byte[]> get = SessionHttp.send(server.port(), "GET", "/session/data/big", null, cookie);
    assertThat(get.statusCode()).isEqualTo(404);
  }

  @Test
  void dataIsDeletedAndReadsWithoutASessionMakeNone() throws Exception {
    String cookie = newSession(server.port());
    assertThat(SessionHttp.send(server.port(), "PUT", "/session/data/k", new byte[] {1, 2}, cookie).statusCode())
        .isEqualTo(204);
    HttpResponse<byte[]> delete = SessionHttp.send(server.port(), "DELETE", "/session/data/k", null, cookie);
    assertThat(delete.statusCode()).isEqualTo(204);
    assertThat(delete.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(SessionHttp.send(server.port(), "GET", "/session/data/k", null, cookie).statusCode()).isEqualTo(404);
    HttpResponse<byte[]> anonymous = SessionHttp.send(server.port(), "GET", "/session/data/k", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(404);
    assertThat(anonymous.headers().firstValue("set-cookie")).isEmpty();
    HttpResponse<byte[]> badKey = SessionHttp.send(server.port(), "GET", "/session/data/x%FF", null, cookie);
    assertThat(badKey.statusCode()).isEqualTo(400);
  }

  @Test
  void aWriteWithoutASessionMakesOneAndAnnouncesIt() throws Exception {
    HttpResponse<byte[]> put = SessionHttp.send(server.port(), "PUT", "/session/data/first", new byte[] {7}, null);
    assertThat(put.statusCode()).isEqualTo(204);
    String cookie = put.headers().firstValue("set-cookie").orElseThrow().split(";")[0];
    assertThat(SessionHttp.send(server.port(), "GET", "/session/data/first", null, cookie).body())
        .isEqualTo(new byte[] {7});
  }

  @Test
  void aFloodOfNewClientsCannotGrowTheStorePastItsBound() throws Exception {
    HttpClient regular = browser();
    send(regular, "GET", "/session", null);
    for (int i = 0; i < 500; i++) {
      // no cookie kept: every request is a new client
      RawHttp.exchange(server.port(), "GET /session HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      if (i % 50 == 0) {
        send(regular, "GET", "/session", null);
      }
    }
    JsonObject sessions = server.awaitStatus(s -> s.getJsonObject("sessions").getLong("size") <= 50)
        .getJsonObject("sessions");
    assertThat(sessions.getLong("evictions")).isPositive();
    assertThat(new JsonObject(send(regular, "GET", "/session", null).body()).getInteger("visits"))
        .as("a returning user keeps the session through the flood").isGreaterThan(5);
  }
}
