package dev.bulwark.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions on the bounded local store, over real HTTP with a client that keeps cookies. */
class SessionTest {

  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject().put("sessions", new JsonObject().put("maxSessions", 50)
        .put("maxValueSize", "16").put("maxKeys", 2)));
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
    assertThat(cookie).startsWith("bulwark.session=").containsIgnoringCase("HttpOnly").contains("SameSite=Lax");
    assertThat(new JsonObject(first.body()).getInteger("visits")).isEqualTo(1);
    JsonObject second = new JsonObject(send(alice, "GET", "/session", null).body());
    assertThat(second.getInteger("visits")).isEqualTo(2);
    assertThat(second.fieldNames()).as("the session id is never in a body").containsExactly("visits");
    assertThat(first.headers().firstValue("cache-control")).hasValue("no-store");
    assertThat(new JsonObject(send(browser(), "GET", "/session", null).body()).getInteger("visits"))
        .as("another client").isEqualTo(1);
  }

  @Test
  void sessionDataIsBoundedInSizeAndKeys() throws Exception {
    HttpClient bob = browser();
    send(bob, "GET", "/session", null);
    assertThat(send(bob, "PUT", "/session/data/a", "small").statusCode()).isEqualTo(204);
    HttpResponse<String> big = send(bob, "PUT", "/session/data/b", "x".repeat(17));
    assertThat(big.statusCode()).isEqualTo(413);
    assertThat(new JsonObject(big.body()).getString("error")).isEqualTo("value_too_large");
    assertThat(send(bob, "PUT", "/session/data/b", "ok").statusCode()).isEqualTo(204);
    assertThat(send(bob, "PUT", "/session/data/c", "one too many").statusCode()).isEqualTo(413);
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
