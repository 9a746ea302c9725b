package dev.bulwark.leak;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.ResourceLeakDetector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Netty's ByteBuf leak detector, set to {@code leaks.nettyLevel} and listened to: every leak it reports is counted
 * ({@code bulwark_netty_leaks_total}) and the last {@code leaks.maxNettyReports} are kept with their access records
 * (cut to {@link #MAX_RECORDS_CHARS}) for {@code /admin/leaks}. A leak here is a buffer that became unreachable
 * without being released: a bug in the server or a module, which Netty also logs at ERROR ("LEAK: ...").
 *
 * <p>The detector is one per JVM (a static of Netty's {@code AbstractByteBuf}), so this is the one place in Bulwark
 * with JVM-wide state: one listener is installed on the first {@link #install} and never again, and it reports to the
 * {@code NettyLeaks} installed last and not yet closed (in a JVM running several servers, as tests do, the newest
 * one); the level, likewise JVM-wide, is the last server's. Netty's own flag {@code -Dio.netty.leakDetection.level}
 * wins over {@code leaks.nettyLevel} when given (tests run at PARANOID this way). Netty calls the listener only while
 * its {@code io.netty.util.ResourceLeakDetector} logger has ERROR enabled, and once per distinct record. Where the
 * detector cannot be reached, reports are "unavailable", said once at WARN; the server starts regardless.
 */
public final class NettyLeaks {

  /** Access records kept per report, in characters; longer ones are cut with a note of how much was dropped. */
  public static final int MAX_RECORDS_CHARS = 16 * 1024;
  /** Netty's system property for its level; when set, it wins over {@code leaks.nettyLevel}. */
  public static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";
  private static final String OLD_LEVEL_PROPERTY = "io.netty.leakDetectionLevel";
  /** The counter of reports ({@code bulwark_netty_leaks_total} in Prometheus). */
  public static final String METER_NAME = "bulwark.netty.leaks";

  private static final Logger LOG = LoggerFactory.getLogger(NettyLeaks.class);

  // JVM-wide, as Netty's detector is. Written under INSTALL; OPEN is read by Netty's threads as they report.
  private static final Object INSTALL = new Object();
  private static final ResourceLeakDetector.LeakListener LISTENER = NettyLeaks::forward;
  private static boolean listenerTried;
  private static String listenerMissing;
  /** Installed and not closed, oldest first: reports go to the newest, and to the one before when it closes. */
  private static final java.util.concurrent.CopyOnWriteArrayList<NettyLeaks> OPEN =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private final String unavailable;
  private final int maxReports;
  private final Counter counter;
  private final AtomicLong reports = new AtomicLong();
  private final ArrayDeque<JsonObject> recent = new ArrayDeque<>(); // guarded by itself

  private NettyLeaks(String unavailable, int maxReports, Counter counter) {
    this.unavailable = unavailable;
    this.maxReports = maxReports;
    this.counter = counter;
  }

  /**
   * Sets Netty's level (unless {@link #LEVEL_PROPERTY} is given), installs the listener if no server did before, and
   * makes the returned object the one that receives reports until it is closed or another is installed.
   */
  public static NettyLeaks install(LeakOptions options, MeterRegistry registry) {
    Counter counter = Counter.builder(METER_NAME).description("Netty ByteBuf leaks reported (buffers collected "
        + "unreleased); the last reports are in /admin/leaks").register(registry);
    synchronized (INSTALL) {
      if (System.getProperty(LEVEL_PROPERTY) == null && System.getProperty(OLD_LEVEL_PROPERTY) == null) {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.valueOf(options.nettyLevel()));
      }
      if (!listenerTried) {
        listenerTried = true;
        listenerMissing = installListener();
        if (listenerMissing != null) {
          LOG.warn("Netty buffer leak reports are unavailable ({}); Netty still logs leaks at ERROR",
              listenerMissing);
        }
      }
      NettyLeaks leaks = new NettyLeaks(listenerMissing, options.maxNettyReports(), counter);
      OPEN.add(leaks);
      return leaks;
    }
  }

  /** Why the listener could not be installed, or null once it is. */
  private static String installListener() {
    try {
      Field field = Class.forName("io.netty.buffer.AbstractByteBuf").getDeclaredField("leakDetector");
      field.setAccessible(true);
      ((ResourceLeakDetector<?>) field.get(null)).setLeakListener(LISTENER);
      return null;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return "Netty's ByteBuf leak detector cannot be reached: " + e;
    }
  }

  /** What Netty calls, on whichever thread noticed the leak (often an event loop): cheap, and never throws. */
  private static void forward(String resourceType, String records) {
    Object[] open = OPEN.toArray(); // a snapshot: a server closing meanwhile is harmless
    if (open.length > 0) {
      ((NettyLeaks) open[open.length - 1]).report(resourceType, records);
    }
  }

  /** The listener Netty calls, for tests that stand in for Netty. */
  static ResourceLeakDetector.LeakListener listener() {
    return LISTENER;
  }

  void report(String resourceType, String records) {
    reports.incrementAndGet();
    counter.increment();
    String text = records == null ? "" : records;
    if (text.length() > MAX_RECORDS_CHARS) {
      text = text.substring(0, MAX_RECORDS_CHARS) + "\n... (" + (text.length() - MAX_RECORDS_CHARS)
          + " more characters)";
    }
    JsonObject report = new JsonObject().put("type", resourceType).put("at", Instant.now().toString())
        .put("records", text);
    synchronized (recent) {
      if (recent.size() == maxReports) {
        recent.removeFirst();
      }
      recent.addLast(report);
    }
  }

  /** Leaks reported to this object. */
  public long reports() {
    return reports.get();
  }

  /** Netty's level now (the JVM's, set by the server started last): DISABLED, SIMPLE, ADVANCED or PARANOID. */
  public String level() {
    return ResourceLeakDetector.getLevel().name();
  }

  /**
   * {@code {"level","reports","recent":[{"type","at","records"}]}}, the newest report first; with
   * {@code "unavailable"} (why) when Netty's detector could not be listened to.
   */
  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    synchronized (recent) {
      recent.descendingIterator().forEachRemaining(list::add);
    }
    JsonObject json = new JsonObject().put("level", level()).put("reports", reports.get()).put("recent", list);
    return unavailable == null ? json : json.put("unavailable", unavailable);
  }

  /**
   * Stops receiving reports; the newest server still open receives them from now on. Netty's level, JVM-wide, stays
   * as the last install set it.
   */
  public void close() {
    OPEN.remove(this);
  }

  /** {@code {"level","reports"}}: the status section, without the records (up to 16 KiB each). */
  public JsonObject summaryJson() {
    return new JsonObject().put("level", level()).put("reports", reports.get());
  }
}
