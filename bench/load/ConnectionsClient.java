import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The connections scenario, all phases in one process so that the idle connections stay open throughout:
 * <ol>
 *   <li>a wrk warm-up on /hello; then ROUNDS rounds of: two full GCs of the server ({@code jcmd PID GC.run}) and a
 *       wrk run on /hello ("alone"); two full GCs; status; IDLE connections, each sending one keep-alive
 *       {@code GET /hello} and keeping the socket open; status; two full GCs; status (heap and direct after GC); a wrk
 *       run on /hello while they are open ("idle"); the idle connections closed, except after the last round;
 *   <li>wrk on /hello in the background, and 1 s into it SLOWLORIS sockets, each sending a request line and the start
 *       of a header, then one byte a second: the time from each one's connect to the server's close (EOF or reset);
 *   <li>EXTRA connections, each sending {@code GET /hello}, with the idle ones still open: how many are answered and
 *       how many are closed unanswered; status before and after;
 *   <li>everything closed; status 1 s later.
 * </ol>
 * One thread drives every socket with a selector (plain java.nio); it also watches the idle sockets, so a server that
 * closes one is seen. wrk output goes to OUT_DIR/connections-wrk-NAME.txt. Prints one JSON line (the status documents
 * included as taken). Bench only, loopback only: java -cp target/bulwark.jar:bench/work/classes ConnectionsClient
 * PORT ADMIN_PORT TOKEN SERVER_PID IDLE SLOWLORIS EXTRA HEADER_TIMEOUT_MS WRK_SECONDS WARMUP_SECONDS WRK_CONNECTIONS
 * ROUNDS OUT_DIR
 */
public final class ConnectionsClient {

  private static final int WINDOW = 256; // connects (and, for requests, answers) outstanding at once
  private static final byte[] HELLO = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SLOW_HEAD = "GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
  private static final long SECOND = 1_000_000_000L;

  private enum Kind { IDLE, SLOW, EXTRA }

  /** One socket and what became of it. */
  private static final class Conn {
    final Kind kind;
    final SocketChannel channel;
    long connectedNanos = -1;
    long closedNanos = -1;
    boolean settled;
    boolean failed; // the connect itself failed
    int status = -1; // of a complete answer
    byte[] in = new byte[0];

    Conn(Kind kind, SocketChannel channel) {
      this.kind = kind;
      this.channel = channel;
    }

    boolean open() {
      return closedNanos < 0 && !failed;
    }
  }

  private final Selector selector = Selector.open();
  private final InetSocketAddress target;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(16384);
  private final List<Conn> conns = new ArrayList<>();
  private int outstanding;
  private boolean dribbling;
  private long nextDribble;
  private long dribbleBytes;
  private long slowAnswered; // bytes the server sent to a slowloris socket (it should send none)
  private long idleClosedByServer; // answered idle sockets the server closed (ours are closed by closeAll)

  private ConnectionsClient(int port) throws IOException {
    this.target = new InetSocketAddress("127.0.0.1", port);
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    Admin admin = new Admin(Integer.parseInt(args[1]), args[2]);
    String pid = args[3];
    int idle = Integer.parseInt(args[4]);
    int slow = Integer.parseInt(args[5]);
    int extra = Integer.parseInt(args[6]);
    long headerTimeoutMs = Long.parseLong(args[7]);
    int wrkSeconds = Integer.parseInt(args[8]);
    int warmupSeconds = Integer.parseInt(args[9]);
    int wrkConnections = Integer.parseInt(args[10]);
    int roundCount = Integer.parseInt(args[11]);
    File out = new File(args[12]);
    Wrk wrk = new Wrk("http://127.0.0.1:" + port + "/hello", wrkConnections, out);
    ConnectionsClient c = new ConnectionsClient(port);
    JsonObject result = new JsonObject();

    // 1. Idle connections, alternated with runs without them: ROUNDS x (full GC, wrk alone; full GC, status; IDLE
    // connections opened; status; full GC, status; wrk with them open; closed, except in the last round).
    wrk.start("warmup", warmupSeconds).waitFor();
    JsonArray rounds = new JsonArray();
    for (int r = 1; r <= roundCount; r++) {
      admin.awaitConnections(0, 10_000); // the last round's idle connections are gone
      fullGc(pid); // as before the run with them: both runs start after a full GC
      wrk.start("alone-" + r, wrkSeconds).waitFor();
      admin.awaitConnections(0, 10_000);
      fullGc(pid);
      JsonObject round = new JsonObject().put("statusBase", admin.status());
      long t0 = System.nanoTime();
      c.open(Kind.IDLE, idle, System.nanoTime() + 120 * SECOND);
      round.put("idle", c.outcome(Kind.IDLE).put("openMs", (System.nanoTime() - t0) / 1_000_000));
      round.put("statusIdleOpen", admin.status());
      fullGc(pid);
      round.put("statusIdleGc", admin.status());
      c.watchWhile(wrk.start("idle-" + r, wrkSeconds));
      rounds.add(round);
      if (r < roundCount) {
        c.closeAll(Kind.IDLE);
      }
    }
    result.put("rounds", rounds);

    // 2. Slowloris, with wrk on /hello throughout.
    int slowWrkSeconds = (int) ((headerTimeoutMs + 999) / 1000) + 5;
    Process during = wrk.start("slowloris", slowWrkSeconds);
    c.pause(SECOND);
    c.dribbling = true;
    c.nextDribble = System.nanoTime() + SECOND;
    long t0 = System.nanoTime();
    c.open(Kind.SLOW, slow, System.nanoTime() + 60 * SECOND);
    long openedAll = System.nanoTime();
    long deadline = openedAll + (headerTimeoutMs + 4000) * 1_000_000;
    while (c.count(Kind.SLOW, true) > 0 && System.nanoTime() < deadline) {
      c.poll(100);
    }
    c.dribbling = false;
    result.put("slow", c.slowOutcome(headerTimeoutMs).put("openMs", (openedAll - t0) / 1_000_000));
    c.watchWhile(during);
    c.closeAll(Kind.SLOW);
    result.put("statusSlow", admin.status());

    // 3. Beyond maxConnections, the idle ones still open.
    admin.awaitConnections(idle, 5000);
    result.put("statusBeyondBefore", admin.status());
    t0 = System.nanoTime();
    c.open(Kind.EXTRA, extra, System.nanoTime() + 60 * SECOND);
    c.pause(SECOND / 2); // late closes of answered extras, if any
    result.put("extra", c.outcome(Kind.EXTRA).put("openMs", (System.nanoTime() - t0) / 1_000_000));
    result.put("statusBeyondAfter", admin.status());

    // 4. The idle connections the server closed on its own during all this, then everything closed.
    result.put("idleClosedByServer", c.idleClosedByServer);
    c.closeAll(null);
    Thread.sleep(1000); // the server's close handlers run
    result.put("statusEnd", admin.status());
    System.out.println(result.encode());
  }

  /** Opens n sockets of a kind, at most WINDOW outstanding, until all have settled or the deadline passes. */
  private void open(Kind kind, int n, long deadline) throws IOException {
    int started = 0;
    while ((started < n || outstanding > 0) && System.nanoTime() < deadline) {
      while (started < n && outstanding < WINDOW) {
        SocketChannel ch = SocketChannel.open();
        ch.configureBlocking(false);
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Conn conn = new Conn(kind, ch);
        conns.add(conn);
        outstanding++;
        started++;
        if (ch.connect(target)) {
          connected(conn, ch.register(selector, 0, conn));
        } else {
          ch.register(selector, SelectionKey.OP_CONNECT, conn);
        }
      }
      poll(10);
    }
  }

  /** Polls the selector, and writes one byte to every open slowloris socket once a second while dribbling. */
  private void poll(long timeoutMs) throws IOException {
    selector.select(timeoutMs);
    for (SelectionKey key : selector.selectedKeys()) {
      Conn conn = (Conn) key.attachment();
      if (!key.isValid()) {
        continue;
      }
      if (key.isConnectable()) {
        try {
          conn.channel.finishConnect();
          connected(conn, key);
        } catch (IOException e) {
          conn.failed = true;
          settle(conn);
          key.cancel();
          conn.channel.close();
        }
      } else if (key.isReadable()) {
        read(conn, key);
      }
    }
    selector.selectedKeys().clear();
    if (dribbling && System.nanoTime() >= nextDribble) {
      nextDribble += SECOND;
      ByteBuffer one = ByteBuffer.allocate(1);
      for (Conn conn : conns) {
        if (conn.kind == Kind.SLOW && conn.open() && conn.connectedNanos > 0) {
          one.clear().put((byte) 'a').flip();
          try {
            conn.channel.write(one);
            dribbleBytes++;
          } catch (IOException e) {
            closed(conn, conn.channel.keyFor(selector));
          }
        }
      }
    }
  }

  private void connected(Conn conn, SelectionKey key) throws IOException {
    conn.connectedNanos = System.nanoTime();
    ByteBuffer request = ByteBuffer.wrap(conn.kind == Kind.SLOW ? SLOW_HEAD : HELLO);
    try {
      for (int i = 0; i < 100 && request.hasRemaining(); i++) {
        conn.channel.write(request); // a fresh loopback socket takes these few bytes at once
      }
    } catch (IOException e) {
      closed(conn, key);
      return;
    }
    key.interestOps(SelectionKey.OP_READ);
    if (conn.kind == Kind.SLOW) {
      settle(conn);
    }
  }

  private void read(Conn conn, SelectionKey key) throws IOException {
    int n;
    try {
      readBuffer.clear();
      n = conn.channel.read(readBuffer);
    } catch (IOException e) {
      n = -1; // reset
    }
    if (n < 0) {
      closed(conn, key);
      return;
    }
    if (conn.kind == Kind.SLOW) {
      slowAnswered += n;
      return;
    }
    if (conn.status >= 0) {
      return; // after a complete answer: nothing more is expected
    }
    byte[] in = Arrays.copyOf(conn.in, conn.in.length + n);
    readBuffer.flip().get(in, conn.in.length, n);
    conn.in = in;
    int status = completeAnswer(in);
    if (status >= 0) {
      conn.status = status;
      conn.in = null;
      settle(conn);
    }
  }

  /** The status of a complete HTTP/1.1 answer with a Content-Length in these bytes, or -1 if not complete yet. */
  private static int completeAnswer(byte[] in) {
    String text = new String(in, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return -1;
    }
    long length = 0;
    for (String line : text.substring(0, end).split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Long.parseLong(line.substring(15).trim());
      }
    }
    if (in.length < end + 4 + length) {
      return -1;
    }
    return Integer.parseInt(text.substring(9, 12));
  }

  private void closed(Conn conn, SelectionKey key) throws IOException {
    if (conn.closedNanos >= 0) {
      return;
    }
    conn.closedNanos = System.nanoTime();
    if (conn.kind == Kind.IDLE && conn.status == 200) {
      idleClosedByServer++;
    }
    if (key != null) {
      key.cancel();
    }
    conn.channel.close();
    settle(conn);
  }

  private void settle(Conn conn) {
    if (!conn.settled) {
      conn.settled = true;
      outstanding--;
    }
  }

  private long count(Kind kind, boolean open) {
    return conns.stream().filter(c -> c.kind == kind && c.open() == open && !c.failed).count();
  }

  /** Keeps watching every socket until the process exits. */
  private void watchWhile(Process p) throws IOException, InterruptedException {
    while (p.isAlive()) {
      poll(100);
    }
    p.waitFor();
  }

  private void pause(long nanos) throws IOException {
    long end = System.nanoTime() + nanos;
    while (System.nanoTime() < end) {
      poll(Math.max(1, (end - System.nanoTime()) / 1_000_000));
    }
  }

  /** Closes the sockets of a kind (every one when null) and forgets them. */
  private void closeAll(Kind kind) throws IOException {
    for (Conn conn : conns) {
      if ((kind == null || conn.kind == kind) && conn.channel.isOpen()) {
        SelectionKey key = conn.channel.keyFor(selector);
        if (key != null) {
          key.cancel();
        }
        conn.channel.close();
        settle(conn);
      }
    }
    conns.removeIf(conn -> kind == null || conn.kind == kind);
    selector.selectNow(); // deregisters the cancelled keys
  }

  /** Answered (by status), closed unanswered, connect failures and unsettled sockets of a kind. */
  private JsonObject outcome(Kind kind) {
    JsonObject byStatus = new JsonObject();
    long unanswered = 0;
    long failed = 0;
    long pending = 0;
    long total = 0;
    for (Conn c : conns) {
      if (c.kind != kind) {
        continue;
      }
      total++;
      if (c.failed) {
        failed++;
      } else if (c.status >= 0) {
        byStatus.put(String.valueOf(c.status), byStatus.getLong(String.valueOf(c.status), 0L) + 1);
      } else if (c.closedNanos >= 0) {
        unanswered++;
      } else {
        pending++;
      }
    }
    return new JsonObject().put("sockets", total).put("answered", byStatus).put("closedUnanswered", unanswered)
        .put("connectFailed", failed).put("pending", pending);
  }

  /** Time from each slowloris socket's connect to the server's close. */
  private JsonObject slowOutcome(long headerTimeoutMs) {
    List<Long> ms = new ArrayList<>();
    long failed = 0;
    long stillOpen = 0;
    for (Conn c : conns) {
      if (c.kind != Kind.SLOW) {
        continue;
      }
      if (c.failed) {
        failed++;
      } else if (c.closedNanos < 0) {
        stillOpen++;
      } else {
        ms.add((c.closedNanos - c.connectedNanos) / 1_000_000);
      }
    }
    ms.sort(null);
    long within = ms.stream().filter(v -> v <= headerTimeoutMs + 1000).count();
    return new JsonObject().put("sockets", ms.size() + failed + stillOpen).put("closed", ms.size())
        .put("closedWithinBar", within).put("stillOpen", stillOpen).put("connectFailed", failed)
        .put("minMs", ms.isEmpty() ? -1 : ms.get(0)).put("p50Ms", percentile(ms, 0.50))
        .put("p99Ms", percentile(ms, 0.99)).put("maxMs", ms.isEmpty() ? -1 : ms.get(ms.size() - 1))
        .put("dribbledBytes", dribbleBytes).put("bytesAnswered", slowAnswered);
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.isEmpty() ? -1 : sorted.get((int) Math.ceil(p * sorted.size()) - 1);
  }

  private static void fullGc(String pid) throws IOException, InterruptedException {
    for (int i = 0; i < 2; i++) { // the second one collects what the first one's reference processing let go
      Process p = new ProcessBuilder("jcmd", pid, "GC.run").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("jcmd " + pid + " GC.run failed");
      }
    }
    Thread.sleep(500);
  }

  /** wrk on /hello with the bench's usual settings, its output in a file. */
  private record Wrk(String url, int connections, File dir) {
    Process start(String name, int seconds) throws IOException {
      return new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency", url)
          .redirectErrorStream(true).redirectOutput(new File(dir, "connections-wrk-" + name + ".txt")).start();
    }
  }

  /** The admin port's status document. */
  private record Admin(HttpClient http, URI uri, String token) {
    Admin(int port, String token) {
      this(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build(),
          URI.create("http://127.0.0.1:" + port + "/admin/status"), token);
    }

    JsonObject status() throws IOException, InterruptedException {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
          .timeout(java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonObject s = new JsonObject(r.body());
      return new JsonObject().put("at", System.currentTimeMillis()).put("memory", s.getJsonObject("memory"))
          .put("http", s.getJsonObject("http"));
    }

    /** Waits (at most maxMs) for the server's open-connection count to be n, the close handlers of earlier ones run. */
    void awaitConnections(int n, long maxMs) throws IOException, InterruptedException {
      long end = System.currentTimeMillis() + maxMs;
      while (status().getJsonObject("http").getInteger("connections") != n && System.currentTimeMillis() < end) {
        Thread.sleep(100);
      }
    }
  }
}
