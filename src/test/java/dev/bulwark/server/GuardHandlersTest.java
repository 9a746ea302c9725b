package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.stream.BodyLimitHandler;
import dev.bulwark.testing.RawHttp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each guard on its own router over real HTTP, as a user composing their own chain would use it. */
@ExtendWith(VertxExtension.class)
class GuardHandlersTest {

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private AdmissionHandler admission;
  private final Promise<Void> release = Promise.promise();

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    admission = AdmissionHandler.create(2);
    Router router = Router.router(vertx);
    router.route().handler(admission);
    router.route().handler(BodyLimitHandler.create(16));
    router.get("/wait").handler(ctx -> {
      // The test thread completes the promise: answer back on this request's event loop.
      io.vertx.core.Context here = vertx.getOrCreateContext();
      release.future().onComplete(v -> here.runOnContext(x -> ctx.response().end("released")));
    });
    router.route("/echo").handler(ctx -> ctx.request().body().onSuccess(b -> ctx.response().end(b)));
    RouterAssembly.renderErrors(router, ErrorHandler.create(Duration.ofSeconds(3)));
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient();
  }

  @AfterEach
  void stop() {
    // The client can read the answer a moment before the server's end handler has run: wait for it, bounded.
    awaitInFlight(0);
    client.close().await();
    server.close().await();
  }

  @Test
  void admissionRefusesTheThirdConcurrentRequestAndReleasesOnEnd() throws Exception {
    // The JDK client: its threads are not the event loops under test, so nothing here waits on itself.
    java.net.http.HttpClient jdk = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    java.net.http.HttpRequest wait = java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + server.actualPort() + "/wait")).timeout(Duration.ofSeconds(20)).build();
    var first = jdk.sendAsync(wait, java.net.http.HttpResponse.BodyHandlers.ofString());
    var second = jdk.sendAsync(wait, java.net.http.HttpResponse.BodyHandlers.ofString());
    awaitInFlight(2);
    var third = jdk.send(wait, java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("Retry-After")).hasValue("3");
    assertThat(new JsonObject(third.body()).getString("error")).isEqualTo("overloaded");
    assertThat(admission.rejected()).isEqualTo(1);
    release.complete();
    assertThat(first.get().body()).isEqualTo("released");
    assertThat(second.get().body()).isEqualTo("released");
  }

  @Test
  void admissionReleasesWhenTheClientHangsUp() {
    HttpClient other = vertx.createHttpClient();
    other.request(new RequestOptions().setPort(server.actualPort()).setHost("127.0.0.1").setURI("/wait"))
        .compose(req -> req.send()).onFailure(e -> { });
    awaitInFlight(1);
    other.close().await();
    awaitInFlight(0);
    release.complete();
  }

  @Test
  void bodyLimitPassesSmallBodiesAndRefusesDeclaredLargeOnes() throws Exception {
    Reply small = send(HttpMethod.POST, "/echo", Buffer.buffer("0123456789abcdef")).await();
    assertThat(small.status()).isEqualTo(200);
    assertThat(small.body().toString()).isEqualTo("0123456789abcdef");
    // A raw client: the server answers before reading the body and closes, and a client still sending can see the
    // close as a reset that loses the answer (the JDK and Vert.x clients both can), which is not what is tested here.
    String large = RawHttp.exchange(server.actualPort(), "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n"
        + "0123456789abcdefX", false);
    assertThat(large).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
    release.complete();
  }

  /** A response with its body, read on the event loop before the data could be missed. */
  private record Reply(HttpClientResponse response, Buffer body) {
    int status() {
      return response.statusCode();
    }
  }

  private Future<Reply> send(HttpMethod method, String uri, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setPort(server.actualPort())
        .setHost("127.0.0.1").setURI(uri);
    return client.request(options)
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(r -> r.body().map(b -> new Reply(r, b)));
  }

  private void awaitInFlight(int expected) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (admission.inFlight() != expected) {
      assertThat(System.nanoTime()).as("in flight reaches " + expected).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }
}
