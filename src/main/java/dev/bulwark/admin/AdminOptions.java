package dev.bulwark.admin;

import dev.bulwark.config.ConfigException;
import dev.bulwark.config.Section;

/** The {@code admin} section: the separate, token-protected port for diagnostics. */
public final class AdminOptions {

  public static final boolean DEFAULT_ENABLED = true;
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 9090;
  public static final String DEFAULT_TOKEN_FILE = "var/admin.token";

  private final boolean enabled;
  private final String host;
  private final int port;
  private final String token;
  private final String tokenFile;

  public AdminOptions(Section s) throws ConfigException {
    enabled = s.bool("enabled", DEFAULT_ENABLED, "Runs the admin port.");
    host = s.string("host", DEFAULT_HOST, "Address the admin port binds to; keep it off public interfaces.");
    port = s.integer("port", DEFAULT_PORT, 0, 65_535, "Admin port; 0 picks a free one (logged).");
    token = s.secret("token", "",
        "Bearer token for every admin route (also env `BULWARK_ADMIN_TOKEN`); when empty one is generated.");
    tokenFile = s.string("tokenFile", DEFAULT_TOKEN_FILE,
        "Where a generated token is written (mode 0600); its path is logged at start.");
    if (!token.isEmpty() && token.length() < 16) {
      throw new ConfigException("admin.token = **** (" + token.length()
          + " characters): expected at least 16 characters, or leave it empty to generate one");
    }
  }

  public boolean enabled() {
    return enabled;
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  /** The configured token, or an empty string when one is to be generated. */
  public String token() {
    return token;
  }

  public String tokenFile() {
    return tokenFile;
  }
}
