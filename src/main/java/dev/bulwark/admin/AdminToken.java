package dev.bulwark.admin;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The admin port's bearer token: the configured one, or a fresh random one written to {@code admin.tokenFile} with
 * mode 0600 from the moment the file exists.
 *
 * <p>A written file is claimed until {@link #close} by a lock on {@code <file>.lock} beside it, which the OS also drops
 * when the process dies. A second instance started in the same directory finds the lock taken and writes
 * {@code <name>-<adminPort>.token} instead, so it never replaces the token the first one answers to. Writing is
 * blocking file work: call {@link #write} off the event loop, and {@link #close} when the server stops.
 */
public final class AdminToken implements AutoCloseable {

  private static final int RANDOM_BYTES = 32;
  private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private final String value;
  private final Path file;
  private final Path heldElsewhere;
  private final FileChannel lock;

  private AdminToken(String value, Path file, Path heldElsewhere, FileChannel lock) {
    this.value = value;
    this.file = file;
    this.heldElsewhere = heldElsewhere;
    this.lock = lock;
  }

  /** The configured token, or a fresh random one, not written anywhere yet. */
  public static AdminToken create(AdminOptions options) {
    if (!options.token().isEmpty()) {
      return new AdminToken(options.token(), null, null, null);
    }
    byte[] bytes = new byte[RANDOM_BYTES];
    new SecureRandom().nextBytes(bytes);
    return new AdminToken(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), null, null, null);
  }

  /**
   * Writes a generated token to {@code admin.tokenFile}, or, while another running Bulwark holds that file, to the
   * same name with {@code -<adminPort>} added; returns the token that holds the file. A configured token writes
   * nothing. Fails when both files are held.
   */
  public AdminToken write(AdminOptions options, int adminPort) throws IOException {
    if (!options.token().isEmpty()) {
      return this;
    }
    Path configured = Path.of(options.tokenFile()).toAbsolutePath();
    Files.createDirectories(configured.getParent());
    FileChannel held = claim(configured);
    Path target = configured;
    if (held == null) {
      target = withPort(configured, adminPort);
      held = claim(target);
      if (held == null) {
        throw new IllegalStateException("admin.tokenFile " + configured + " and " + target + " are both held by "
            + "other running Bulwarks: give this one its own admin.tokenFile or admin.token");
      }
    }
    try {
      writeOwnerOnly(target, value);
    } catch (IOException | RuntimeException e) {
      held.close();
      throw e;
    }
    return new AdminToken(value, target, target.equals(configured) ? null : configured, held);
  }

  /** {@code var/admin.token} with port 9091 is {@code var/admin-9091.token}. */
  static Path withPort(Path file, int port) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return file.resolveSibling(dot > 0 ? name.substring(0, dot) + "-" + port + name.substring(dot)
        : name + "-" + port);
  }

  /** The open, locked {@code <file>.lock}, or null while another process (or server in this one) holds it. */
  private static FileChannel claim(Path file) throws IOException {
    Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
    FileChannel channel = FileChannel.open(lockFile, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE),
        OWNER_ONLY);
    try {
      if (channel.tryLock() != null) {
        return channel;
      }
    } catch (OverlappingFileLockException heldInThisProcess) {
      // Another server in this JVM holds it: the same as another process for this purpose.
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    channel.close();
    return null;
  }

  private static void writeOwnerOnly(Path target, String token) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), ".admin-token", ".tmp", OWNER_ONLY);
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

  /** Where a generated token was written, or null when the token came from config (or is not written yet). */
  public Path file() {
    return file;
  }

  /** The configured {@code admin.tokenFile} when another running Bulwark held it (so {@link #file} is not it). */
  public Path heldElsewhere() {
    return heldElsewhere;
  }

  /** Lets the next instance take the file. */
  @Override
  public void close() throws IOException {
    if (lock != null) {
      lock.close();
    }
  }
}
