import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The shutdown scenario's exact account, beside wrk (which counts a refused connection as a write error on Linux, and
 * an answer cut short and a connection closed before any byte alike as read errors): CONNECTIONS threads, each sending
 * METHOD PATH over plain HTTP/1.1 for SECONDS, keep-alive unless an answer says {@code Connection: close}, and sorting
 * every attempt into one bin: a 200, another status (503 backend_unavailable apart), refused at connect, closed
 * before any byte of an answer (the server never took the request), or cut (part of an answer, then the end). Prints
 * one JSON line. Bench only, loopback only:
 * {@code java -cp bench/work/classes ShutdownClient PORT METHOD PATH CONNECTIONS SECONDS}
 */
public final class ShutdownClient {

  private static final int TIMEOUT_MS = 15_000;
  /** A refused connect is retried after this long, so a closed port is not hammered. */
  private static final long REFUSED_PAUSE_MS = 5;

  private final AtomicLong ok = new AtomicLong();
  private final AtomicLong backendUnavailable = new AtomicLong();
  private final AtomicLong otherStatus = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong noAnswer = new AtomicLong();
  private final AtomicLong cut = new AtomicLong();
  private final AtomicLong connectFailed = new AtomicLong();
  private final int port;
  private final byte[] request;
  private final long deadline;

  private ShutdownClient(int port, String method, String path, long seconds) {
    this.port = port;
    this.request = (method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    this.deadline = System.nanoTime() + seconds * 1_000_000_000L;
  }

  public static void main(String[] args) throws Exception {
    ShutdownClient client = new ShutdownClient(Integer.parseInt(args[0]), args[1], args[2], Long.parseLong(args[4]));
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < Integer.parseInt(args[3]); i++) {
      Thread t = new Thread(client::loop, "client-" + i);
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    System.out.printf(Locale.ROOT, "{\"ok\":%d,\"backendUnavailable\":%d,\"otherStatus\":%d,\"refused\":%d,"
        + "\"noAnswer\":%d,\"cut\":%d,\"connectFailed\":%d}%n", client.ok.get(), client.backendUnavailable.get(),
        client.otherStatus.get(), client.refused.get(), client.noAnswer.get(), client.cut.get(),
        client.connectFailed.get());
  }

  private void loop() {
    Socket socket = null;
    while (System.nanoTime() < deadline) {
      try {
        if (socket == null) {
          socket = connect();
          if (socket == null) {
            continue;
          }
        }
        if (!exchange(socket)) {
          socket.close();
          socket = null;
        }
      } catch (IOException e) {
        connectFailed.incrementAndGet(); // not refused: a connect timeout, say
        socket = null;
      }
    }
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // leaving anyway
      }
    }
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      return socket;
    } catch (ConnectException e) {
      socket.close();
      refused.incrementAndGet();
      sleep();
      return null;
    }
  }

  /** One request and its answer, sorted into a bin; true when the connection may carry the next one. */
  private boolean exchange(Socket socket) {
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    try {
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      return readAnswer(socket.getInputStream(), got);
    } catch (IOException e) {
      (got.size() == 0 ? noAnswer : cut).incrementAndGet();
      return false;
    }
  }

  /** Reads the head and a Content-Length body; the end of the stream before the end of the answer is an IOException. */
  private boolean readAnswer(InputStream in, ByteArrayOutputStream got) throws IOException {
    String head = readHead(in, got);
    int status = Integer.parseInt(head.substring(9, 12));
    long length = 0;
    boolean close = false;
    for (String line : head.split("\r\n")) {
      String lower = line.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).trim());
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        close = true;
      }
    }
    byte[] body = in.readNBytes((int) length);
    got.write(body, 0, body.length);
    if (body.length < length) {
      throw new IOException("answer cut after " + got.size() + " bytes");
    }
    if (status == 200) {
      ok.incrementAndGet();
    } else if (status == 503 && new String(body, StandardCharsets.UTF_8).contains("backend_unavailable")) {
      backendUnavailable.incrementAndGet();
    } else {
      otherStatus.incrementAndGet();
    }
    return !close;
  }

  private static String readHead(InputStream in, ByteArrayOutputStream got) throws IOException {
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the end of the stream after " + got.size() + " bytes");
      }
      got.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return got.toString(StandardCharsets.ISO_8859_1);
  }

  private static void sleep() {
    try {
      Thread.sleep(REFUSED_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
