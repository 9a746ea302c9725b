package dev.bulwark.config;

import dev.bulwark.tls.PemFiles;
import dev.bulwark.tls.TlsOptions;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Reads a port's {@code tls} section ({@code http.tls}, {@code admin.tls}) into {@link TlsOptions} and, when TLS is on,
 * checks its files at once: a missing, unreadable or non-PEM file, a key that is not the certificate's, or an
 * encrypted key is a {@link ConfigException} naming the key, the file and what is wrong (exit 2), never a failed
 * listen or handshake later. A certificate that has expired or expires within two weeks is a start notice.
 */
final class TlsSections {

  private TlsSections() {
  }

  /**
   * @param s the {@code tls} section of a port
   * @param port what serves it, for the descriptions ("the main port")
   * @param clientCa whether the port offers client certificates ({@code clientCaFile})
   * @param handshakeMeaning the description of {@code handshakeTimeout}, which the port's other deadlines shape
   */
  static TlsOptions tls(Section s, String port, boolean clientCa, String handshakeMeaning) throws ConfigException {
    TlsOptions options = new TlsOptions()
        .setEnabled(s.bool("enabled", TlsOptions.DEFAULT_ENABLED, "Serves " + port + " over TLS (HTTPS), with "
            + "HTTP/2 and HTTP/1.1 negotiated by ALPN; needs `certFile` and `keyFile`, read and checked at start."))
        .setCertFile(s.string("certFile", TlsOptions.DEFAULT_CERT_FILE, "PEM file of the certificate chain "
            + port + " presents, its own certificate first."))
        .setKeyFile(s.string("keyFile", TlsOptions.DEFAULT_KEY_FILE, "PEM file of that certificate's private key, "
            + "unencrypted (`BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`); keep it readable "
            + "by Bulwark's user only."))
        .setHandshakeTimeout(s.duration("handshakeTimeout", TlsOptions.DEFAULT_HANDSHAKE_TIMEOUT,
            TlsOptions.MIN_HANDSHAKE_TIMEOUT, TlsOptions.MAX_HANDSHAKE_TIMEOUT, handshakeMeaning));
    if (clientCa) {
      options.setClientCaFile(s.string("clientCaFile", TlsOptions.DEFAULT_CLIENT_CA_FILE, "PEM file of the "
          + "certificate authorities whose client certificates " + port + " requires (mutual TLS: a client "
          + "without one is refused in the handshake; the bearer token is still required); empty: none asked for."));
      if (!options.enabled() && !options.clientCaFile().isEmpty()) {
        // Client certificates that are not checked would be a protection the operator believes in and lacks.
        throw s.invalid("clientCaFile", options.clientCaFile(), "is set while TLS is off on " + port
            + ": set enabled to true (with certFile and keyFile), or leave clientCaFile empty");
      }
    }
    if (options.enabled()) {
      checkFiles(s, options);
    }
    return options;
  }

  private static void checkFiles(Section s, TlsOptions options) throws ConfigException {
    X509Certificate own = certificates(s, "certFile", options.certFile()).get(0);
    requirePath(s, "keyFile", options.keyFile());
    try {
      PemFiles.checkKey(options.keyFile(), own);
    } catch (IllegalArgumentException e) {
      throw s.invalid("keyFile", options.keyFile(), e.getMessage());
    }
    String validity = PemFiles.validity(own, Instant.now());
    if (validity != null) {
      s.notice("The certificate in " + options.certFile() + " (" + own.getSubjectX500Principal().getName() + ") "
          + validity);
    }
    if (!options.clientCaFile().isEmpty()) {
      certificates(s, "clientCaFile", options.clientCaFile());
    }
  }

  private static void requirePath(Section s, String key, String file) throws ConfigException {
    if (file.isEmpty()) {
      throw s.invalid(key, file, "expected the path of a PEM file, since TLS is enabled");
    }
  }

  private static List<X509Certificate> certificates(Section s, String key, String file) throws ConfigException {
    requirePath(s, key, file);
    try {
      return PemFiles.certificates(file);
    } catch (IllegalArgumentException e) {
      throw s.invalid(key, file, e.getMessage());
    }
  }
}
