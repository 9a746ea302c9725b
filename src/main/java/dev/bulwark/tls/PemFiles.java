package dev.bulwark.tls;

import io.vertx.core.VertxException;
import io.vertx.core.net.impl.pkcs1.PrivateKeyParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the PEM files TLS options name and checks them as Vert.x will use them (keys are parsed by Vert.x's own
 * parser), so that a missing, unreadable or wrong file stops the start with one sentence naming what is wrong, never a
 * stack trace from the first handshake. Each check throws an {@link IllegalArgumentException} whose message completes
 * "{@code <key> = <file>: }". Call at start,
 * off any event loop: it reads files.
 */
public final class PemFiles {

  /** A certificate chain or key is a few KiB; a larger file is not one. */
  public static final int MAX_FILE_BYTES = 1 << 20;
  /** A certificate that expires sooner than this is reported at start. */
  public static final Duration EXPIRY_NOTICE = Duration.ofDays(14);

  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----([\\s\\S]*?)-----END \\1-----");
  private static final String KEY_FORMS = "-----BEGIN PRIVATE KEY----- (PKCS#8), -----BEGIN RSA PRIVATE KEY----- or "
      + "-----BEGIN EC PRIVATE KEY-----";

  private PemFiles() {
  }

  /** One labelled block of a PEM file, decoded. */
  private record Block(String label, byte[] der) {
  }

  /** The X.509 certificates of a PEM file, in their order (a chain: the port's own certificate first). */
  public static List<X509Certificate> certificates(String file) {
    List<Block> blocks = blocks(file);
    List<X509Certificate> certificates = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block block : blocks) {
        if (block.label().equals("CERTIFICATE")) {
          certificates.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(block.der())));
        }
      }
    } catch (CertificateException e) {
      throw new IllegalArgumentException("a CERTIFICATE block is not an X.509 certificate (" + e.getMessage() + ")");
    }
    if (certificates.isEmpty()) {
      boolean key = blocks.stream().anyMatch(b -> b.label().endsWith("PRIVATE KEY"));
      throw new IllegalArgumentException("expected a PEM file with a -----BEGIN CERTIFICATE----- block"
          + (key ? "; this one holds a private key (the key file?)" : ""));
    }
    return certificates;
  }

  /**
   * Checks that {@code file} holds an unencrypted private key in a form Vert.x reads (parsed by Vert.x's own parser),
   * and that it is the key of {@code certificate}: a key from another pair would fail every handshake.
   */
  public static void checkKey(String file, X509Certificate certificate) {
    List<Block> keys = blocks(file).stream().filter(b -> b.label().endsWith("PRIVATE KEY")).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("expected a PEM file with a private key: " + KEY_FORMS);
    }
    checkPair(parse(keys.get(0)), certificate);
  }

  /** A sentence for the start's log when {@code certificate} is expired, not yet valid or expires soon; else null. */
  public static String validity(X509Certificate certificate, Instant now) {
    Instant notAfter = certificate.getNotAfter().toInstant();
    Instant notBefore = certificate.getNotBefore().toInstant();
    if (now.isAfter(notAfter)) {
      return "expired at " + notAfter + ": clients will refuse it";
    }
    if (now.isBefore(notBefore)) {
      return "is not valid before " + notBefore + ": clients will refuse it until then";
    }
    if (now.plus(EXPIRY_NOTICE).isAfter(notAfter)) {
      return "expires at " + notAfter + ": renew it";
    }
    return null;
  }

  private static PrivateKey parse(Block key) {
    try {
      switch (key.label()) {
        case "PRIVATE KEY": {
          String algorithm = PrivateKeyParser.getPKCS8EncodedKeyAlgorithm(key.der());
          return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(key.der()));
        }
        case "RSA PRIVATE KEY":
          return KeyFactory.getInstance("RSA").generatePrivate(PrivateKeyParser.getRSAKeySpec(key.der()));
        case "EC PRIVATE KEY":
          return KeyFactory.getInstance("EC").generatePrivate(PrivateKeyParser.getECKeySpec(key.der()));
        case "ENCRYPTED PRIVATE KEY":
          throw new IllegalArgumentException("the key is encrypted, and Bulwark reads unencrypted keys only: decrypt it "
              + "into a file only Bulwark's user can read (openssl pkcs8 -in KEY -out PLAIN; chmod 600 PLAIN)");
        default:
          throw new IllegalArgumentException("a " + key.label() + " block, which Vert.x does not read: expected "
              + KEY_FORMS);
      }
    } catch (GeneralSecurityException | VertxException e) {
      throw new IllegalArgumentException("the " + key.label() + " block is not a key Vert.x reads (RSA or EC): "
          + e.getMessage());
    }
  }

  /** Signs a few bytes with the key and verifies them with the certificate: only the two halves of a pair agree. */
  private static void checkPair(PrivateKey key, X509Certificate certificate) {
    String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
    byte[] probe = "bulwark".getBytes(StandardCharsets.US_ASCII);
    boolean pair;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(probe);
      pair = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      pair = false;
    }
    if (!pair) {
      throw new IllegalArgumentException("this key is not the key of the certificate (" + subject(certificate)
          + ") in the certificate file");
    }
  }

  private static String subject(X509Certificate certificate) {
    return certificate.getSubjectX500Principal().getName();
  }

  private static List<Block> blocks(String file) {
    String text = new String(read(file), StandardCharsets.ISO_8859_1);
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      if (m.group(2).contains("Proc-Type:") && m.group(2).contains("ENCRYPTED")) {
        blocks.add(new Block("ENCRYPTED PRIVATE KEY", new byte[0])); // OpenSSL's legacy encrypted key
        continue;
      }
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("the " + m.group(1) + " block is not valid base64");
      }
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("not a PEM file: no -----BEGIN ...----- block with its -----END ...----- line"
          + " (a DER file? convert it with openssl x509 -inform der, or openssl pkcs8 -inform der)");
    }
    return blocks;
  }

  private static byte[] read(String file) {
    if (file.isEmpty()) {
      throw new IllegalArgumentException("expected the path of a PEM file");
    }
    Path path = Path.of(file);
    try {
      if (Files.isDirectory(path)) {
        throw new IllegalArgumentException("a directory, not a PEM file");
      }
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new IllegalArgumentException("larger than " + (MAX_FILE_BYTES >> 10) + " KiB: not a PEM certificate or "
            + "key");
      }
      return Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file (" + path.toAbsolutePath() + ")");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("cannot read it: permission denied for this user");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read it: " + e.getMessage());
    }
  }
}
