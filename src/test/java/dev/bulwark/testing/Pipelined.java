package dev.bulwark.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * Many HTTP/1.1 requests on one connection, written in batches without waiting for each answer (pipelining), so a test
 * can send a hundred thousand requests in seconds. Answers are read by their Content-Length; none may be chunked.
 */
public final class Pipelined {

  private static final int BATCH = 500;
  private static final int READ_TIMEOUT_MS = 10_000;

  private Pipelined() {
  }

  /** Sends {@code count} requests ({@code request.apply(i)} is the whole request) and counts the answers by status. */
  public static Map<Integer, Integer> send(int port, int count, IntFunction<String> request) throws IOException {
    Map<Integer, Integer> statuses = new TreeMap<>();
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
      for (int sent = 0; sent < count; ) {
        int batch = Math.min(BATCH, count - sent);
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < batch; i++) {
          requests.append(request.apply(sent + i));
        }
        out.write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        for (int i = 0; i < batch; i++) {
          statuses.merge(readAnswer(in), 1, Integer::sum);
        }
        sent += batch;
      }
    }
    return statuses;
  }

  /** Reads one answer (head, then Content-Length bytes) and returns its status. */
  private static int readAnswer(InputStream in) throws IOException {
    String status = line(in);
    long length = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      String lower = header.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring("content-length:".length()).trim());
      } else if (lower.startsWith("transfer-encoding:")) {
        throw new IOException("chunked answer on a pipelined connection: " + status);
      }
    }
    in.skipNBytes(length);
    return Integer.parseInt(status.substring(9, 12));
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c == -1) {
        throw new IOException("connection closed mid-answer after: " + line);
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
    return line.toString();
  }
}
