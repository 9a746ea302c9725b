package dev.bulwark.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Two Bulwark instances, {@link #a} and {@link #b}, sharing one real redis-server started for them, with a cache
 * {@code shared} ({@code redis: true}); {@link #close()} stops both, then Redis.
 */
public final class TwoInstances implements AutoCloseable {

  /** Every request is bounded: a server that stops answering fails the test instead of hanging it. */
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(TIMEOUT).build();

  public final RedisProcess redis;
  public final TestServer a;
  public final TestServer b;

  private TwoInstances(RedisProcess redis, TestServer a, TestServer b) {
    this.redis = redis;
    this.a = a;
    this.b = b;
  }

  /** Starts Redis and both instances; {@code redis} holds extra keys of the {@code redis} section. */
  public static TwoInstances start(JsonObject redisSection) throws Exception {
    RedisProcess redis = RedisProcess.start();
    JsonObject config = sharedCacheConfig(redisSection.copy().put("url", redis.url() + "/0"));
    TestServer a = null;
    try {
      a = TestServer.start(config.copy());
      return new TwoInstances(redis, a, TestServer.start(config.copy()));
    } catch (Exception | Error e) {
      try (RedisProcess started = redis; TestServer first = a) { // stops what did start, Redis last
        throw e;
      }
    }
  }

  /** The config both instances run: {@code redis} as given, and the cache {@code shared} kept in it. */
  public static JsonObject sharedCacheConfig(JsonObject redisSection) {
    return new JsonObject().put("redis", redisSection)
        .put("caches", new JsonObject().put("shared", new JsonObject().put("redis", true).put("maxWeight", "1MiB")));
  }

  /** Polls {@code GET path} on {@code server} until it answers {@code expected}, for at most 5 s. */
  public static void awaitBody(TestServer server, String path, String expected) throws Exception {
    long deadline = System.nanoTime() + 5_000_000_000L;
    String body;
    do {
      body = send(server, "GET", path, null, null).body();
    } while (!expected.equals(body) && System.nanoTime() < deadline);
    assertThat(body).isEqualTo(expected);
  }

  /** Waits, at most 15 s, for the invalidation subscription gauge of {@code server} to read {@code expected}. */
  public static void awaitSubscription(TestServer server, double expected) throws Exception {
    var gauge = server.server().metrics().registry().find("bulwark.cache.invalidation.subscribed").gauge();
    assertThat(gauge).isNotNull();
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (gauge.value() != expected && System.nanoTime() < deadline) {
      Thread.sleep(5); // polling a state that changes on Redis's schedule, with a deadline
    }
    assertThat(gauge.value()).as("subscription gauge").isEqualTo(expected);
  }

  /** One request; {@code body} null sends none, {@code cookie} null no Cookie header. */
  public static HttpResponse<String> send(TestServer server, String method, String path, String body, String cookie)
      throws Exception {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .timeout(TIMEOUT);
    if (cookie != null) {
      req.header("Cookie", cookie);
    }
    return CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws Exception {
    try (RedisProcess last = redis; TestServer second = b; TestServer first = a) {
      // try-with-resources closes a, then b, then Redis, each even when the one before failed
    }
  }
}
