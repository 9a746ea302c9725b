package dev.bulwark.admin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The admin port's bearer token: the configured one, or a fresh random one written to {@code admin.tokenFile} with
 * mode 0600 from the moment the file exists. Writing is blocking file work: call {@link #resolve} off the event loop.
 */
public final class AdminToken {

  private static final int RANDOM_BYTES = 32;

  private final String value;
  private final Path file;

  private AdminToken(String value, Path file) {
    this.value = value;
    this.file = file;
  }

  public static AdminToken resolve(AdminOptions options) throws IOException {
    if (!options.token().isEmpty()) {
      return new AdminToken(options.token(), null);
    }
    byte[] bytes = new byte[RANDOM_BYTES];
    new SecureRandom().nextBytes(bytes);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Path target = Path.of(options.tokenFile()).toAbsolutePath();
    writeOwnerOnly(target, token);
    return new AdminToken(token, target);
  }

  private static void writeOwnerOnly(Path target, String token) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), ".admin-token", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.writeString(temp, token + "\n", StandardCharsets.US_ASCII);
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  public String value() {
    return value;
  }

  /** Where a generated token was written, or null when the token came from config. */
  public Path file() {
    return file;
  }
}
