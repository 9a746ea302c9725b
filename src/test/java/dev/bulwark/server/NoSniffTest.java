package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.testing.RawHttp;
import dev.bulwark.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** X-Content-Type-Options: nosniff on every response of the main port, exactly once, whoever wrote the response. */
class NoSniffTest {

  private static final Pattern NOSNIFF = Pattern.compile("(?i)\r\nx-content-type-options: nosniff\r\n");

  private static int count(Pattern pattern, String text) {
    Matcher m = pattern.matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void everyHttp1ResponseCarriesNosniffOnceAndHeadAnswersStayBodiless() throws Exception {
    Path root = Files.createTempDirectory("bulwark-nosniff");
    Files.writeString(root.resolve("page.html"), "<script>alert(1)</script>");
    try (TestServer server = TestServer.start(new JsonObject()
        .put("files", new JsonObject().put("root", root.toString())))) {
      String[] requests = {
          "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "GET /data/items?count=3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
          "PUT /cache/default/k HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n",
          "GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n",
          "GET /files/page.html HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
      };
      for (String request : requests) {
        String answer = RawHttp.exchange(server.port(), request, false);
        assertThat(answer).as(request.substring(0, 30)).startsWith("HTTP/1.1 ");
        assertThat(count(NOSNIFF, answer)).as("nosniff once in: %s", answer.substring(0, Math.min(400, answer.length())))
            .isEqualTo(1);
      }
      // Two answers on one connection: the first, to HEAD, must end at its head, or the second is misread.
      String both = RawHttp.exchange(server.port(), "HEAD /files/page.html HTTP/1.1\r\nHost: x\r\n\r\n"
          + "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", false);
      assertThat(count(Pattern.compile("(?m)^HTTP/1\\.1 200 "), both)).as(both).isEqualTo(2);
      assertThat(count(NOSNIFF, both)).isEqualTo(2);
      assertThat(both).endsWith("\r\n\r\nhello").doesNotContain("<script>");
    }
  }

  @Test
  void http2ResponsesCarryNosniffToo() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (TestServer server = TestServer.start(new JsonObject()
        .put("http", new JsonObject().put("h2c", true)))) {
      HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
          .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(server.port()));
      for (String path : new String[] {"/hello", "/nothing-here"}) {
        HttpClientResponse response = h2.request(HttpMethod.GET, path)
            .compose(req -> req.send().compose(r -> r.body().map(r)))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(response.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(response.headers().getAll("x-content-type-options")).containsExactly("nosniff");
      }
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
