package dev.bulwark.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.config.BulwarkConfig;
import dev.bulwark.testing.SelfSignedPem;
import dev.bulwark.tls.PemFiles;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS settings are checked at start as every other setting is: a missing, unreadable or non-PEM file, a key that is
 * not the certificate's, an encrypted key, h2c with TLS, a client CA without TLS: exit status 2 and one line naming the
 * key, the file and what is wrong, never a stack trace. The former name {@code http.cleartextHttp2} is still read, as
 * {@code http.h2c}, with a notice for the start's log.
 */
class TlsConfigTest {

  @TempDir
  static Path dir;
  private static SelfSignedPem pem;
  private static SelfSignedPem other;

  @BeforeAll
  static void certificates() throws Exception {
    pem = SelfSignedPem.create(dir, "server");
    other = SelfSignedPem.create(dir, "other");
  }

  private static JsonObject tls(Object certFile, Object keyFile) {
    return new JsonObject().put("http", new JsonObject().put("tls", new JsonObject().put("enabled", true)
        .put("certFile", String.valueOf(certFile)).put("keyFile", String.valueOf(keyFile))));
  }

  @Test
  void aCertificateAndItsKeyStartWithTlsOnAndNoNotice() throws Exception {
    BulwarkConfig config = BulwarkConfig.fromJson(tls(pem.certFile(), pem.keyFile()));
    assertThat(config.http().tls().enabled()).isTrue();
    assertThat(config.http().tls().handshakeTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.notices()).isEmpty();
  }

  @Test
  void aMissingCertificateFileIsOneLineNamingKeyFileAndSource() throws Exception {
    Path missing = dir.resolve("nope.pem");
    Path file = write(tls(missing, pem.keyFile()));
    assertThat(error(file)).isEqualTo("bulwark: config error: http.tls.certFile = \"" + missing + "\" (from " + file
        + "): no such file (" + missing + ")");
  }

  @Test
  void filesThatAreNotWhatTheyShouldBeAreNamedWithWhatTheyAre() throws Exception {
    Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
    assertThat(error(write(tls(text, pem.keyFile())))).endsWith("): not a PEM file: no -----BEGIN ...----- block "
        + "with its -----END ...----- line (a DER file? convert it with openssl x509 -inform der, or openssl pkcs8 "
        + "-inform der)");
    assertThat(error(write(tls(pem.keyFile(), pem.keyFile())))).contains("http.tls.certFile = ")
        .endsWith("): expected a PEM file with a -----BEGIN CERTIFICATE----- block; this one holds a private key "
            + "(the key file?)");
    assertThat(error(write(tls(pem.certFile(), pem.certFile())))).contains("http.tls.keyFile = ")
        .endsWith("): expected a PEM file with a private key: -----BEGIN PRIVATE KEY----- (PKCS#8), -----BEGIN RSA "
            + "PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----");
    assertThat(error(write(tls(dir, pem.keyFile())))).endsWith("): a directory, not a PEM file");
  }

  @Test
  void aKeyOfAnotherCertificateIsRefused() throws Exception {
    assertThat(error(write(tls(pem.certFile(), other.keyFile())))).contains("http.tls.keyFile = \"" + other.keyFile())
        .endsWith("): this key is not the key of the certificate (CN=server) in the certificate file");
  }

  @Test
  void anEncryptedKeyIsRefusedWithHowToDecryptIt() throws Exception {
    Path encrypted = Files.writeString(dir.resolve("encrypted.key"), SelfSignedPem.pem("ENCRYPTED PRIVATE KEY",
        new byte[64]));
    assertThat(error(write(tls(pem.certFile(), encrypted)))).endsWith("): the key is encrypted, and Bulwark reads "
        + "unencrypted keys only: decrypt it into a file only Bulwark's user can read (openssl pkcs8 -in KEY -out "
        + "PLAIN; chmod 600 PLAIN)");
  }

  @Test
  void tlsOnWithoutFilesNamesTheFirstMissingOne() throws Exception {
    assertThat(error(Map.of("BULWARK_HTTP_TLS_ENABLED", "true"))).isEqualTo("bulwark: config error: "
        + "http.tls.certFile = \"\": expected the path of a PEM file, since TLS is enabled");
    assertThat(error(Map.of("BULWARK_HTTP_TLS_ENABLED", "true", "BULWARK_HTTP_TLS_CERT_FILE",
        pem.certFile().toString()))).isEqualTo("bulwark: config error: http.tls.keyFile = \"\": expected the path of "
        + "a PEM file, since TLS is enabled");
  }

  @Test
  void h2cWithTlsIsRefused() throws Exception {
    JsonObject json = tls(pem.certFile(), pem.keyFile());
    json.getJsonObject("http").put("h2c", true);
    assertThat(error(write(json))).endsWith("): expected false while http.tls.enabled is true: over TLS, HTTP/2 is "
        + "negotiated by ALPN; h2c is cleartext HTTP/2 for a proxy in front");
  }

  @Test
  void aClientCaWithoutTlsOnTheAdminPortIsRefused() throws Exception {
    Path file = write(new JsonObject().put("admin", new JsonObject().put("tls", new JsonObject()
        .put("clientCaFile", pem.certFile().toString()))));
    assertThat(error(file)).isEqualTo("bulwark: config error: admin.tls.clientCaFile = \"" + pem.certFile()
        + "\" (from " + file + "): is set while TLS is off on the admin port: set enabled to true (with certFile and "
        + "keyFile), or leave clientCaFile empty");
  }

  @Test
  void theFormerNameCleartextHttp2IsReadAsH2cWithANotice() throws Exception {
    Path file = write(new JsonObject().put("http", new JsonObject().put("cleartextHttp2", true)));
    BulwarkConfig fromFile = BulwarkConfig.load(List.of(file), Map.of());
    assertThat(fromFile.http().h2c()).isTrue();
    assertThat(fromFile.notices()).containsExactly("http.cleartextHttp2 (from " + file + ") is deprecated: it is now "
        + "http.h2c, with the same meaning; rename it, the old name will be refused in a later release");
    assertThat(fromFile.toJson().getJsonObject("http").getBoolean("h2c")).isTrue();
    assertThat(fromFile.toJson().getJsonObject("http").containsKey("cleartextHttp2")).isFalse();
    assertThat(fromFile.keys()).noneMatch(k -> k.path().equals("http.cleartextHttp2"));

    BulwarkConfig fromEnv = BulwarkConfig.load(List.of(), Map.of("BULWARK_HTTP_CLEARTEXT_HTTP2", "true"));
    assertThat(fromEnv.http().h2c()).isTrue();
    assertThat(fromEnv.notices()).singleElement().asString()
        .startsWith("http.cleartextHttp2 (from BULWARK_HTTP_CLEARTEXT_HTTP2) is deprecated");
    assertThat(error(write(new JsonObject().put("http", new JsonObject().put("cleartextHttp2", "yes")))))
        .contains("http.h2c = \"yes\" (from ").endsWith(", as http.cleartextHttp2): expected true or false");
  }

  @Test
  void bothTheFormerAndTheNewNameGivenAreRefused() throws Exception {
    Path file = write(new JsonObject().put("http", new JsonObject().put("cleartextHttp2", true)));
    assertThat(error(Map.of("BULWARK_HTTP_H2C", "false"), file)).isEqualTo("bulwark: config error: "
        + "http.cleartextHttp2 (from " + file + ") and http.h2c (from BULWARK_HTTP_H2C) are one setting under its "
        + "former and its new name; keep http.h2c");
  }

  @Test
  void aCertificateNearItsEndIsNoticedAndAnExpiredOneToo() throws Exception {
    X509Certificate certificate = PemFiles.certificates(pem.certFile().toString()).get(0);
    Instant notAfter = certificate.getNotAfter().toInstant();
    assertThat(PemFiles.validity(certificate, notAfter.minus(Duration.ofDays(15)))).isNull();
    assertThat(PemFiles.validity(certificate, notAfter.minus(Duration.ofDays(3)))).isEqualTo("expires at " + notAfter
        + ": renew it");
    assertThat(PemFiles.validity(certificate, notAfter.plusSeconds(1))).isEqualTo("expired at " + notAfter
        + ": clients will refuse it");
  }

  private static Path write(JsonObject json) throws Exception {
    return Files.writeString(Files.createTempFile(dir, "conf", ".json"), json.encode());
  }

  private static String error(Path file) {
    return error(Map.of(), file);
  }

  private static String error(Map<String, String> env, Path... files) {
    return ConfigErrorsTest.error(env, files);
  }
}
