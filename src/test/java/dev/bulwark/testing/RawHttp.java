package dev.bulwark.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

/** Speaks HTTP/1.1 over a plain socket, for requests a normal client refuses to send (lying headers, half bodies). */
public final class RawHttp {

  private static final int TIMEOUT_MS = 10_000;
  private static final int STEP = 64 * 1024;

  private RawHttp() {
  }

  /** A socket connected to {@code port} on loopback, reads timing out after 10 s. */
  public static Socket connect(int port) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
    socket.setSoTimeout(TIMEOUT_MS);
    return socket;
  }

  /** True when a connection to {@code port} on loopback is refused (nothing listens there, or no longer). */
  public static boolean refused(int port) {
    try (Socket socket = connect(port)) {
      return false;
    } catch (java.net.ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Connects and sends {@code GET path} (keep-alive), leaving the answer to the caller: a client mid-request. */
  public static Socket get(int port, String path) throws IOException {
    Socket socket = connect(port);
    OutputStream out = socket.getOutputStream();
    out.write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    return socket;
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
    try (Socket socket = connect(port)) {
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      if (halfClose) {
        socket.shutdownOutput();
      }
      return readToClose(socket);
    }
  }

  /**
   * Sends {@code head} (ending in its blank line), then {@code body} in 64 KiB writes, stopping at the first write the
   * server refuses: a server that answered before reading the whole body and closed resets the connection under the
   * writes, and its answer can still be read. Then reads until the server closes; a request that should end with a
   * closed connection either way says {@code Connection: close}.
   */
  public static String exchange(int port, String head, byte[] body) throws IOException {
    try (Socket socket = connect(port)) {
      OutputStream out = socket.getOutputStream();
      try {
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        for (int off = 0; off < body.length; off += STEP) {
          out.write(body, off, Math.min(STEP, body.length - off));
        }
        out.flush();
      } catch (SocketException refused) {
        // The server has answered and closed: what it answered is still there to read.
      }
      return readToClose(socket);
    }
  }

  private static String readToClose(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (SocketException reset) {
      if (out.size() == 0) {
        throw reset; // reset before any answer: nothing was said
      }
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }
}
