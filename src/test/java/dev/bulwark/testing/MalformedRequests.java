package dev.bulwark.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/**
 * A generator of malformed HTTP/1.1 requests, the shapes attackers and broken clients send, aimed at every route
 * family: broken encodings, missing or bad Host, smuggling framings, broken chunks, oversized lines, headers,
 * extensions and trailers, bad expectations, junk multipart, garbage. Seeded, so a failure can be replayed. Uses only
 * the JDK, so the benchmark scripts compile and run it against a jar too ({@link #main}).
 */
public final class MalformedRequests {

  private static final List<String> TARGETS = List.of("/hello", "/files/a.txt", "/cache/default/k", "/session",
      "/session/data/k", "/uploads", "/data/items?count=3", "/health", "/health/ready", "/metrics", "/demo/slow?ms=1",
      "/critical/data", "/nowhere");
  private static final List<String> METHODS = List.of("GET", "PUT", "POST", "DELETE", "HEAD");
  /** Past the server's default http.headerTimeout (5 s): a head it never completes is closed within it. */
  private static final int READ_TIMEOUT_MS = 7000;
  private static final int MAX_ANSWER = 64 << 10;

  private final Random random;

  public MalformedRequests(long seed) {
    this.random = new Random(seed);
  }

  private String pick(List<String> from) {
    return from.get(random.nextInt(from.size()));
  }

  private final List<Function<MalformedRequests, String>> shapes = List.of(
      g -> g.line(g.pick(TARGETS).replaceFirst("$", g.pick(List.of("%ZZ", "%", "%4", "%%41", "%G0")))) + "Host: x\r\n\r\n",
      g -> g.line(g.pick(TARGETS)) + "\r\n",
      g -> g.line(g.pick(TARGETS)) + "Host: " + g.pick(List.of("[::1", "a b", "x:99999999", "", "@:")) + "\r\n\r\n",
      g -> g.bodyLine() + "Host: x\r\nTransfer-Encoding: " + g.pick(List.of("xchunked", "chunked, gzip", "identity",
          "chunked;x", "gzip")) + "\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      g -> g.bodyLine() + "Host: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
          + "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
      g -> g.bodyLine() + "Host: x\r\nTransfer-Encoding: chunked\r\n\r\n" + g.pick(List.of("-5", "FFFFFFFFFFFFFFFFFFFF",
          "zz", "5;" + "e".repeat(100_000), "")) + "\r\nhello\r\n0\r\n\r\n",
      g -> g.bodyLine() + "Host: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n"
          + "T: v\r\n".repeat(3000) + "\r\n",
      g -> g.bodyLine() + "Host: x\r\nContent-Length: 5\r\nExpect: " + g.pick(List.of("bogus", "200-ok", "")) + "\r\n\r\n"
          + "hello",
      g -> "GET /" + "a".repeat(8192 + g.random.nextInt(8192)) + " HTTP/1.1\r\nHost: x\r\n\r\n",
      g -> g.line(g.pick(TARGETS)) + "Host: x\r\nX-Big: " + "b".repeat(9000 + g.random.nextInt(20_000)) + "\r\n\r\n",
      g -> g.line(g.pick(TARGETS)) + "Host: x\r\n" + g.pick(List.of("Bad Header: v", "NoColon", ": empty", "X\u0000: v",
          " Folded: v")) + "\r\n\r\n",
      g -> g.bodyLine() + "Host: x\r\nContent-Length: " + g.pick(List.of("-1", "abc", "1, 2", "99999999999999999999",
          "5 5")) + "\r\n\r\nhello",
      g -> "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Type: " + g.pick(List.of("multipart/form-data",
          "multipart/form-data; boundary=", "multipart/form-data; boundary=zz", "text/plain")) + "\r\nContent-Length: 9"
          + "\r\n\r\n--junk\r\n\r\n",
      g -> g.pick(List.of("GET\r\n\r\n", "\u0000\u0001\u0002\r\n\r\n", "GET / HTTP/9.9\r\nHost: x\r\n\r\n",
          "BREW /hello HTTP/1.1\r\nHost: x\r\n\r\n", "GET http://evil/hello HTTP/1.1\r\nHost: x\r\n\r\n",
          "CONNECT x:1 HTTP/1.1\r\nHost: x\r\n\r\n", "GET  /hello  HTTP/1.1\r\nHost: x\r\n\r\n", "\r\n\r\n\r\n")));

  private String line(String target) {
    return pick(METHODS) + " " + target + " HTTP/1.1\r\n";
  }

  private String bodyLine() {
    return pick(List.of("PUT", "POST")) + " " + pick(TARGETS) + " HTTP/1.1\r\n";
  }

  /** The next malformed request, as the bytes to send (ISO-8859-1). */
  public String next() {
    return shapes.get(random.nextInt(shapes.size())).apply(this);
  }

  /**
   * Sends {@code request} on a new connection and returns the status of the first answer ("closed" when the server
   * closed without one, "timeout" when it neither answered nor closed in 7 s).
   */
  public static String exchange(String host, int port, String request) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      try {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (IOException closedWhileSending) {
        // the server may close before all of a huge request is sent; what it answered is still readable
      }
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      InputStream in = socket.getInputStream();
      byte[] buf = new byte[4096];
      try {
        int n;
        while (answer.size() < 12 && (n = in.read(buf)) > 0) {
          answer.write(buf, 0, n);
        }
      } catch (SocketTimeoutException e) {
        return answer.size() == 0 ? "timeout" : status(answer);
      } catch (IOException reset) {
        // a reset after (or instead of) an answer
      }
      return answer.size() == 0 ? "closed" : status(answer);
    }
  }

  private static String status(ByteArrayOutputStream answer) {
    String text = answer.toString(StandardCharsets.ISO_8859_1);
    return text.length() >= 12 && text.startsWith("HTTP/1.") ? text.substring(9, 12) : "garbage";
  }

  /**
   * {@code java MalformedRequests HOST PORT COUNT SEED BATCH}: sends COUNT requests, 16 at a time, and after each
   * BATCH checks that {@code GET /hello} still answers 200; prints {"statuses":{...},"helloFailures":n} as JSON.
   */
  public static void main(String[] args) throws Exception {
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    MalformedRequests generator = new MalformedRequests(Long.parseLong(args[3]));
    int batch = Integer.parseInt(args[4]);
    Map<String, Integer> statuses = new TreeMap<>();
    int helloFailures = 0;
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int done = 0; done < count; done += batch) {
        List<Future<String>> answers = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(batch, count - done); i++) {
          String request = generator.next();
          answers.add(pool.submit(() -> exchange(host, port, request)));
        }
        for (Future<String> answer : answers) {
          statuses.merge(answer.get(), 1, Integer::sum);
        }
        String hello = exchange(host, port, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        helloFailures += hello.equals("200") ? 0 : 1;
      }
    } finally {
      pool.shutdownNow();
    }
    StringBuilder json = new StringBuilder("{\"statuses\":{");
    statuses.forEach((k, v) -> json.append('"').append(k).append("\":").append(v).append(','));
    if (!statuses.isEmpty()) {
      json.setLength(json.length() - 1);
    }
    System.out.println(json.append("},\"helloFailures\":").append(helloFailures).append('}'));
  }
}
