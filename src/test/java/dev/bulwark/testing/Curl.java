package dev.bulwark.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real curl (Debian's has HTTP/2 through nghttp2; {@code scripts/test} installs it), trusting one certificate: a
 * client Bulwark did not write, for TLS and HTTP/2 tests, and one that sends what Vert.x's own client refuses to.
 */
public final class Curl {

  private Curl() {
  }

  /** Runs {@code curl --cacert CA -sS --max-time 10 ARGS...}; its standard output, once it exited 0. */
  public static String run(Path caCert, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "--cacert", caCert.toString(), "-sS", "--max-time", "10"));
    command.addAll(List.of(args));
    Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    if (!curl.waitFor(20, TimeUnit.SECONDS)) {
      curl.destroyForcibly();
      throw new IOException("curl did not finish: " + command);
    }
    String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (curl.exitValue() != 0) {
      throw new IOException("curl exited " + curl.exitValue() + " (output: " + out + "): " + command);
    }
    return out;
  }
}
