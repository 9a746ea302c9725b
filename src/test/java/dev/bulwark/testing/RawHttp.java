package dev.bulwark.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Speaks HTTP/1.1 over a plain socket, for requests a normal client refuses to send (lying headers, half bodies). */
public final class RawHttp {

  private static final int TIMEOUT_MS = 10_000;

  private RawHttp() {
  }

  /** Sends {@code request} as is, half-closes, then reads until the server closes; returns what came back. */
  public static String exchange(int port, String request) throws IOException {
    return exchange(port, request, true);
  }

  /**
   * Sends {@code request} as is, then reads until the server closes or the timeout; {@code halfClose} false keeps the
   * sending side open, as a client still waiting for its answer does.
   */
  public static String exchange(int port, String request, boolean halfClose) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      if (halfClose) {
        socket.shutdownOutput();
      }
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
