package dev.bulwark.testing;

import dev.bulwark.spi.RouteModule;
import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.config.ConfigException;
import dev.bulwark.server.BulwarkServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * A whole Bulwark on free loopback ports, with config overrides, and a real HTTP client. Closing it stops the server
 * and checks that nothing is left in flight.
 */
public final class TestServer implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final BulwarkServer server;
  private final HttpClient client;
  private final Path tempDir;
  private final String mainScheme;
  private final String adminScheme;

  private TestServer(BulwarkServer server, Path tempDir, BulwarkConfig config, SSLContext ssl) {
    this.server = server;
    this.tempDir = tempDir;
    HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT);
    this.client = (ssl == null ? builder : builder.sslContext(ssl)).build();
    this.mainScheme = config.http().tls().enabled() ? "https" : "http";
    this.adminScheme = config.admin().tls().enabled() ? "https" : "http";
  }

  /** Starts on free ports; {@code overrides} is merged over the test defaults like a config file. */
  public static TestServer start(JsonObject overrides) throws IOException, ConfigException {
    return start(overrides, null);
  }

  /** As {@link #start(JsonObject)}, with {@code modules} instead of the service-listed route modules. */
  public static TestServer start(JsonObject overrides, Supplier<List<RouteModule>> modules)
      throws IOException, ConfigException {
    return start(overrides, modules, null);
  }

  /**
   * As {@link #start(JsonObject)}, for a server with TLS on its main or admin port: the client speaks HTTPS to those
   * with {@code ssl} (which trusts the server's certificate, and presents a client one where the admin port wants it).
   */
  public static TestServer startTls(JsonObject overrides, SSLContext ssl) throws IOException, ConfigException {
    return start(overrides, null, ssl);
  }

  private static TestServer start(JsonObject overrides, Supplier<List<RouteModule>> modules, SSLContext ssl)
      throws IOException, ConfigException {
    Path dir = Files.createTempDirectory("bulwark-test");
    JsonObject json = new JsonObject()
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        // No readiness grace: no load balancer waits on a test's server, and each test would wait it out.
        .put("shutdown", new JsonObject().put("readinessGrace", "0s").put("timeout", "2s"))
        .put("admin", new JsonObject().put("port", 0).put("tokenFile", dir.resolve("admin.token").toString()))
        // An existing root, so the start's WARN about a missing one is only seen by the tests that want it.
        .put("files", new JsonObject().put("root", dir.toString()));
    for (String section : overrides.fieldNames()) {
      JsonObject base = json.getJsonObject(section, new JsonObject());
      json.put(section, base.mergeIn(overrides.getJsonObject(section)));
    }
    BulwarkConfig config = BulwarkConfig.fromJson(json);
    BulwarkServer server = (modules == null ? BulwarkServer.start(config) : BulwarkServer.start(config, modules))
        .await();
    return new TestServer(server, dir, config, ssl);
  }

  public static TestServer start() throws IOException, ConfigException {
    return start(new JsonObject());
  }

  public BulwarkServer server() {
    return server;
  }

  public Path tempDir() {
    return tempDir;
  }

  /** The HTTP/1.1 client the helpers below use. */
  public HttpClient client() {
    return client;
  }

  public int port() {
    return server.httpPort();
  }

  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return client.send(request(mainScheme, port(), path).build(), HttpResponse.BodyHandlers.ofString());
  }

  public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
    return client.send(request(mainScheme, port(), path).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public CompletableFuture<HttpResponse<String>> getAsync(String path) {
    return client.sendAsync(request(mainScheme, port(), path).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET on the admin port; {@code token} null sends no Authorization header. */
  public HttpResponse<String> admin(String path, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = request(adminScheme, server.adminPort(), path);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public JsonObject status() throws IOException, InterruptedException {
    return new JsonObject(admin("/admin/status", server.adminToken()).body());
  }

  private static HttpRequest.Builder request(String scheme, int port, String path) {
    return HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path)).timeout(TIMEOUT);
  }

  /** Polls the admin status until {@code check} holds, for state that settles just after a response is read. */
  public JsonObject awaitStatus(java.util.function.Predicate<JsonObject> check) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    JsonObject status = status();
    while (!check.test(status)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("status never reached the expected state: " + status.encodePrettily());
      }
      Thread.onSpinWait();
      status = status();
    }
    return status;
  }

  /** After each test: no request in flight, no scope open, no request resource live. */
  @Override
  public void close() throws Exception {
    try {
      awaitStatus(s -> s.getJsonObject("http").getInteger("inFlight") == 0
          && s.getJsonObject("scopes").getLong("open") == 0
          && s.getJsonObject("scopes").getJsonObject("outstanding").stream()
              .allMatch(e -> ((Number) e.getValue()).longValue() == 0));
    } finally {
      server.close().await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }
}
