package dev.bulwark.tls;

import dev.bulwark.spi.Ranges;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Options of TLS on one port: whether it is on, the PEM files of the certificate chain and private key it presents, how
 * long a client may take to complete its handshake, and, where the port offers it, the PEM file of the certificate
 * authorities whose client certificates it requires (mutual TLS). A new object holds the defaults (TLS off); every
 * setter rejects a value outside its range with an {@link IllegalArgumentException} naming the field. The files
 * themselves are read and checked at start by {@link PemFiles}, never by a setter.
 */
public final class TlsOptions {

  public static final boolean DEFAULT_ENABLED = false;
  public static final String DEFAULT_CERT_FILE = "";
  public static final String DEFAULT_KEY_FILE = "";
  /** Empty: no client certificate is asked for. */
  public static final String DEFAULT_CLIENT_CA_FILE = "";
  /**
   * A handshake is two or three round trips: 5 s leaves room for slow networks while a client that opens a socket and
   * never completes its handshake holds it no longer than a request head may take ({@code http.headerTimeout}).
   */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration MIN_HANDSHAKE_TIMEOUT = Duration.ofMillis(100);
  public static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofMinutes(10);

  private boolean enabled = DEFAULT_ENABLED;
  private String certFile = DEFAULT_CERT_FILE;
  private String keyFile = DEFAULT_KEY_FILE;
  private String clientCaFile = DEFAULT_CLIENT_CA_FILE;
  private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

  /** The defaults: TLS off. */
  public TlsOptions() {
  }

  /** A copy of {@code other}, to change without touching the original. */
  public TlsOptions(TlsOptions other) {
    enabled = other.enabled;
    certFile = other.certFile;
    keyFile = other.keyFile;
    clientCaFile = other.clientCaFile;
    handshakeTimeout = other.handshakeTimeout;
  }

  public boolean enabled() {
    return enabled;
  }

  public TlsOptions setEnabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** The PEM file of the certificate chain, the port's own certificate first. */
  public String certFile() {
    return certFile;
  }

  public TlsOptions setCertFile(String certFile) {
    Ranges.check(certFile != null, "certFile", null, "a file path");
    this.certFile = certFile;
    return this;
  }

  /** The PEM file of the unencrypted private key (PKCS#8, or PKCS#1 RSA, or SEC1 EC). */
  public String keyFile() {
    return keyFile;
  }

  public TlsOptions setKeyFile(String keyFile) {
    Ranges.check(keyFile != null, "keyFile", null, "a file path");
    this.keyFile = keyFile;
    return this;
  }

  /** The PEM file of the certificate authorities client certificates must be issued by; empty for none. */
  public String clientCaFile() {
    return clientCaFile;
  }

  public TlsOptions setClientCaFile(String clientCaFile) {
    Ranges.check(clientCaFile != null, "clientCaFile", null, "a file path, or empty");
    this.clientCaFile = clientCaFile;
    return this;
  }

  /** True when TLS is on and a client certificate issued by {@link #clientCaFile()} is required. */
  public boolean mutual() {
    return enabled && !clientCaFile.isEmpty();
  }

  public Duration handshakeTimeout() {
    return handshakeTimeout;
  }

  public TlsOptions setHandshakeTimeout(Duration handshakeTimeout) {
    this.handshakeTimeout = Ranges.of("handshakeTimeout", handshakeTimeout, MIN_HANDSHAKE_TIMEOUT,
        MAX_HANDSHAKE_TIMEOUT);
    return this;
  }

  /** These options under the keys of a {@code tls} config section ({@code clientCaFile} only when set). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("enabled", enabled)
        .put("certFile", certFile)
        .put("keyFile", keyFile)
        .put("handshakeTimeout", handshakeTimeout.toMillis() + "ms");
    return clientCaFile.isEmpty() ? json : json.put("clientCaFile", clientCaFile);
  }
}
