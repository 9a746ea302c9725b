package dev.bulwark.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A certificate and its private key as PEM files, made by the JDK's keytool (EC P-256, valid 30 days, for
 * {@code 127.0.0.1} and {@code localhost}): the certificate as keytool exports it ({@code -rfc}), the key as PKCS#8
 * written from the keystore. Self-signed, or an authority that issues others (for client certificates).
 */
public record SelfSignedPem(Path certFile, Path keyFile) {

  private static final String PASSWORD = "changeit";
  private static final String SAN = "SAN=ip:127.0.0.1,dns:localhost";

  /** A self-signed certificate named {@code name} for 127.0.0.1 and localhost, in {@code dir}. */
  public static SelfSignedPem create(Path dir, String name) throws IOException {
    return make(dir, name, "-ext", SAN);
  }

  /** A self-signed certificate authority named {@code name}, in {@code dir}. */
  public static SelfSignedPem authority(Path dir, String name) throws IOException {
    return make(dir, name, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign");
  }

  /** A certificate for {@code name} issued by this authority (keytool -certreq, then -gencert), in {@code dir}. */
  public SelfSignedPem issue(Path dir, String name) throws IOException {
    SelfSignedPem own = make(dir, name, "-ext", SAN);
    Path request = dir.resolve(name + ".csr");
    keytool("-certreq", "-alias", name, "-keystore", store(dir, name).toString(), "-file", request.toString());
    Path issued = dir.resolve(name + "-issued.pem");
    Path authorityStore = keyFile.resolveSibling(alias(keyFile) + ".p12");
    keytool("-gencert", "-rfc", "-alias", alias(keyFile), "-keystore", authorityStore.toString(),
        "-infile", request.toString(), "-outfile", issued.toString(), "-validity", "30", "-ext", SAN);
    return new SelfSignedPem(issued, own.keyFile());
  }

  /** A {@code tls} config section serving this certificate and key ({@code enabled}, {@code certFile}, {@code keyFile}). */
  public JsonObject tlsSection() {
    return new JsonObject().put("enabled", true).put("certFile", certFile.toString())
        .put("keyFile", keyFile.toString());
  }

  /** A TLS context that trusts this certificate (a server's own, or the authority that issued it). */
  public SSLContext trusting() throws IOException, GeneralSecurityException {
    return context(null, this);
  }

  /** A TLS context that presents this certificate and key as a client's and trusts {@code server}. */
  public SSLContext presentingTo(SelfSignedPem server) throws IOException, GeneralSecurityException {
    return context(this, server);
  }

  private static SSLContext context(SelfSignedPem identity, SelfSignedPem trusted)
      throws IOException, GeneralSecurityException {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("trusted", trusted.certificates().get(0));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyManagerFactory kmf = null;
    if (identity != null) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      byte[] der = Base64.getMimeDecoder().decode(Files.readString(identity.keyFile())
          .replaceAll("-----[A-Z ]+-----", ""));
      PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
      keys.setKeyEntry("client", key, PASSWORD.toCharArray(), identity.certificates().toArray(new Certificate[0]));
      kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, PASSWORD.toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return context;
  }

  private List<Certificate> certificates() throws IOException, GeneralSecurityException {
    try (InputStream in = Files.newInputStream(certFile)) {
      return new ArrayList<>(CertificateFactory.getInstance("X.509").generateCertificates(in));
    }
  }

  private static SelfSignedPem make(Path dir, String name, String... extensions) throws IOException {
    Path store = store(dir, name);
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=" + name, "-validity", "30", "-storetype", "PKCS12", "-keystore", store.toString()));
    args.addAll(List.of(extensions));
    keytool(args.toArray(new String[0]));
    try {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(store)) {
        keyStore.load(in, PASSWORD.toCharArray());
      }
      Path cert = dir.resolve(name + ".pem");
      Path key = dir.resolve(name + ".key");
      Files.writeString(cert, pem("CERTIFICATE", keyStore.getCertificate(name).getEncoded()));
      Files.writeString(key, pem("PRIVATE KEY", keyStore.getKey(name, PASSWORD.toCharArray()).getEncoded()));
      return new SelfSignedPem(cert, key);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read the keystore keytool wrote: " + store, e);
    }
  }

  /** {@code der} as a PEM block: base64 in lines of 64 characters between its BEGIN and END lines. */
  public static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static Path store(Path dir, String name) {
    return dir.resolve(name + ".p12");
  }

  private static String alias(Path keyFile) {
    String file = keyFile.getFileName().toString();
    return file.substring(0, file.length() - ".key".length());
  }

  private static void keytool(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storepass", PASSWORD, "-noprompt"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("keytool did not finish: " + command);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while keytool ran", e);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      throw new IOException("keytool " + args[0] + " failed (" + process.exitValue() + "): " + output);
    }
  }
}
