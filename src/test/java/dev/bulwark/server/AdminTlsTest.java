package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.testing.SelfSignedPem;
import dev.bulwark.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin port over TLS with a client CA (mutual TLS): a client without a certificate, or with one another authority
 * issued, is refused in the handshake and never reaches a route; a client whose certificate the CA issued still needs
 * the bearer token (401 without it, 200 with it). The main port stays plain HTTP.
 */
class AdminTlsTest {

  private static SelfSignedPem server;
  private static SelfSignedPem client;
  private static SelfSignedPem stranger;
  private static TestServer bulwark;

  @BeforeAll
  static void start() throws Exception {
    Path dir = Files.createTempDirectory("bulwark-admin-tls");
    server = SelfSignedPem.create(dir, "admin");
    SelfSignedPem authority = SelfSignedPem.authority(dir, "operators");
    client = authority.issue(dir, "operator");
    stranger = SelfSignedPem.create(dir, "stranger");
    bulwark = TestServer.startTls(new JsonObject().put("admin", new JsonObject().put("tls", server.tlsSection()
        .put("clientCaFile", authority.certFile().toString()))), client.presentingTo(server));
  }

  @AfterAll
  static void stop() throws Exception {
    bulwark.close();
  }

  private static HttpResponse<String> status(SSLContext tls, String token) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(tls)
        .connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + bulwark.server().adminPort()
        + "/admin/status")).timeout(Duration.ofSeconds(10));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aClientWithoutACertificateIsRefusedInTheHandshake() {
    assertThatThrownBy(() -> status(server.trusting(), bulwark.server().adminToken()))
        .as("no certificate: no answer at all").isInstanceOf(IOException.class);
  }

  @Test
  void aCertificateAnotherAuthorityIssuedIsRefused() {
    assertThatThrownBy(() -> status(stranger.presentingTo(server), bulwark.server().adminToken()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aCertificateTheClientCaIssuedStillNeedsTheToken() throws Exception {
    SSLContext operator = client.presentingTo(server);
    assertThat(status(operator, null).statusCode()).isEqualTo(401);
    HttpResponse<String> ok = status(operator, bulwark.server().adminToken());
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ok.body()).getJsonObject("http").getInteger("inFlight")).isZero();
  }

  @Test
  void theMainPortIsUnchanged() throws Exception {
    assertThat(bulwark.get("/hello").body()).isEqualTo("hello");
  }
}
