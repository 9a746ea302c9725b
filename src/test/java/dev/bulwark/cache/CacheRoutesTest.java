package dev.bulwark.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CacheRoutesTest {

  private static TestServer server;
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    server = TestServer.start(new JsonObject()
        .put("cache", new JsonObject().put("maxValueSize", "1KiB").put("maxKeyLength", 16).put("publicStats", true))
        .put("caches", new JsonObject().put("users", new JsonObject().put("maxWeight", "64KiB"))));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  private static HttpResponse<String> send(String method, String path, String body, String type) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void putGetDeleteRoundTripKeepsTheContentType() throws Exception {
    assertThat(send("PUT", "/cache/users/ada", "{\"n\":1}", "application/json").statusCode()).isEqualTo(204);
    HttpResponse<String> got = send("GET", "/cache/users/ada", null, null);
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(got.body()).isEqualTo("{\"n\":1}");
    assertThat(got.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(send("DELETE", "/cache/users/ada", null, null).statusCode()).isEqualTo(204);
    assertThat(send("DELETE", "/cache/users/ada", null, null).statusCode()).as("absent too").isEqualTo(204);
    HttpResponse<String> gone = send("GET", "/cache/users/ada", null, null);
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(gone.body()).getString("error")).isEqualTo("not_found");
  }

  @Test
  void aStoredPageOrScriptIsServedAsAnAttachmentNeverRendered() throws Exception {
    for (String type : new String[] {"text/html", "image/svg+xml", "application/javascript", "TEXT/HTML; charset=x"}) {
      assertThat(send("PUT", "/cache/users/p", "<script>fetch('/session')</script>", type).statusCode()).isEqualTo(204);
      HttpResponse<String> got = send("GET", "/cache/users/p", null, null);
      assertThat(got.headers().firstValue("content-type")).as(type).hasValue("application/octet-stream");
      assertThat(got.headers().firstValue("content-disposition")).as(type).hasValue("attachment");
      assertThat(got.headers().firstValue("x-content-type-options")).as(type).hasValue("nosniff");
    }
    assertThat(send("PUT", "/cache/users/t", "plain", "text/plain; charset=utf-8").statusCode()).isEqualTo(204);
    HttpResponse<String> plain = send("GET", "/cache/users/t", null, null);
    assertThat(plain.headers().firstValue("content-type")).hasValue("text/plain; charset=utf-8");
    assertThat(plain.headers().firstValue("content-disposition")).isEmpty();
    assertThat(plain.headers().firstValue("x-content-type-options")).hasValue("nosniff");
  }

  @Test
  void keysThatAreNotValidUtf8AreRefusedAndNeverShareAnEntry() throws Exception {
    for (String bad : new String[] {"x%FF", "x%FE", "x%C0", "x%80", "x%ED%A0%80"}) {
      HttpResponse<String> r = send("PUT", "/cache/users/" + bad, "v", null);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("bad_key");
    }
    assertThat(send("PUT", "/cache/users/x%EF%BF%BD", "replacement", null).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/cache/users/x%C3%A9", null, null).statusCode()).isEqualTo(404);
    assertThat(send("PUT", "/cache/users/x%C3%A9", "e-acute", null).statusCode()).isEqualTo(204);
    assertThat(send("GET", "/cache/users/x%C3%A9", null, null).body()).isEqualTo("e-acute");
    assertThat(send("GET", "/cache/users/x%EF%BF%BD", null, null).body()).isEqualTo("replacement");
  }

  @Test
  void statsCountHitsMissesAndBytes() throws Exception {
    send("PUT", "/cache/users/s1", "x".repeat(100), null);
    send("GET", "/cache/users/s1", null, null);
    send("GET", "/cache/users/nope", null, null);
    JsonObject stats = new JsonObject(send("GET", "/cache/users", null, null).body());
    assertThat(stats.fieldNames()).contains("name", "entries", "weightBytes", "maxWeightBytes", "maxEntries", "hits",
        "misses", "evictions", "hitRate");
    assertThat(stats.getLong("maxWeightBytes")).isEqualTo(65_536);
    assertThat(stats.getLong("hits")).isPositive();
    assertThat(stats.getLong("misses")).isPositive();
    assertThat(stats.getLong("weightBytes")).isPositive().isLessThanOrEqualTo(65_536);
  }

  @Test
  void unknownCacheAndBadKeysAreRefused() throws Exception {
    HttpResponse<String> unknown = send("GET", "/cache/nope/k", null, null);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getString("error")).isEqualTo("unknown_cache");
    for (String key : new String[] {"a".repeat(17), "a%0Ab", "a%7Fb"}) {
      HttpResponse<String> bad = send("PUT", "/cache/users/" + key, "v", null);
      assertThat(bad.statusCode()).as(key).isEqualTo(400);
      assertThat(new JsonObject(bad.body()).getString("error")).isEqualTo("bad_key");
    }
  }

  @Test
  void tooLargeValuesAreRefusedBeforeBufferingDeclaredOrNot() throws Exception {
    String declared = RawHttp.exchange(server.port(),
        "PUT /cache/users/big HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n", false);
    assertThat(declared).startsWith("HTTP/1.1 413").contains("\"error\":\"value_too_large\"");
    String chunk = "y".repeat(600);
    String chunked = RawHttp.exchange(server.port(), "PUT /cache/users/big HTTP/1.1\r\nHost: x\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + "258\r\n" + chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n", false);
    assertThat(chunked).startsWith("HTTP/1.1 413").contains("\"error\":\"value_too_large\"");
    assertThat(send("GET", "/cache/users/big", null, null).statusCode()).as("nothing half-stored").isEqualTo(404);
  }

  @Test
  void theDefaultCacheIsReplacedByTheConfiguredOnes() throws Exception {
    assertThat(send("GET", "/cache/default", null, null).statusCode()).isEqualTo(404);
    assertThat(server.status().getJsonArray("caches").getJsonObject(0).getString("name")).isEqualTo("users");
  }
}
