package dev.bulwark.leak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * An immutable snapshot of the live-object class histogram: instances and bytes per class name, the totals, and when
 * it was taken. Made by {@link #take(Vertx)} on a running HotSpot JVM or by {@link #parse(String, long)} from the text
 * of {@code jcmd PID GC.class_histogram}; compared with {@link #diff(ClassHistogram)}.
 */
public final class ClassHistogram {

  /** One class's line of the histogram, summed over every class loader that defines the name. */
  public record Entry(String name, long instances, long bytes) {}

  static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";

  /** {@code "   1:   17029   1171504  [B (java.base@17.0.15)"}: the module suffix, when present, is not captured. */
  private static final Pattern ROW =
      Pattern.compile("^\\s*\\d+:\\s+(\\d{1,18})\\s+(\\d{1,18})\\s+(\\S+)(?:\\s+\\(.*\\))?\\s*$");

  private static final Pattern TOTAL = Pattern.compile("^\\s*Total\\s+(\\d{1,18})\\s+(\\d{1,18})\\s*$");

  /** Largest bytes first; ties by name so that equal rows always come out in the same order. */
  static final Comparator<Entry> BY_BYTES =
      Comparator.comparingLong(Entry::bytes).reversed().thenComparing(Entry::name);

  private final Map<String, Entry> classes;
  private final long totalInstances;
  private final long totalBytes;
  private final long takenAtMillis;

  private ClassHistogram(Map<String, Entry> classes, long totalInstances, long totalBytes, long takenAtMillis) {
    this.classes = Collections.unmodifiableMap(classes);
    this.totalInstances = totalInstances;
    this.totalBytes = totalBytes;
    this.takenAtMillis = takenAtMillis;
  }

  /**
   * Parses the text of the DiagnosticCommand {@code gcClassHistogram} (the same as {@code jcmd PID
   * GC.class_histogram}). Module suffixes such as {@code (java.base@17.0.15)} are dropped from the names; a name listed
   * more than once (one class name defined by several class loaders) is summed; lines that are neither a row nor the
   * Total line (the header, the dashes, anything a later JDK adds) are ignored. The totals are the Total line's, which
   * counts every class even when the text was trimmed; without a Total line they are the sums of the rows.
   */
  public static ClassHistogram parse(String text, long takenAtMillis) {
    Map<String, Entry> classes = new LinkedHashMap<>();
    long[] total = null;
    for (String line : text.split("\\R")) {
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        String name = row.group(3);
        Entry seen = classes.get(name);
        long instances = Long.parseLong(row.group(1)) + (seen == null ? 0 : seen.instances());
        long bytes = Long.parseLong(row.group(2)) + (seen == null ? 0 : seen.bytes());
        classes.put(name, new Entry(name, instances, bytes));
        continue;
      }
      Matcher totalLine = TOTAL.matcher(line);
      if (totalLine.matches()) {
        total = new long[] {Long.parseLong(totalLine.group(1)), Long.parseLong(totalLine.group(2))};
      }
    }
    if (total == null) {
      total = new long[] {
        classes.values().stream().mapToLong(Entry::instances).sum(),
        classes.values().stream().mapToLong(Entry::bytes).sum()
      };
    }
    return new ClassHistogram(classes, total[0], total[1], takenAtMillis);
  }

  /**
   * Takes a histogram of this JVM through the HotSpot DiagnosticCommand MBean, on a worker thread (never on an event
   * loop: it stops the world). Without {@code -all} the command runs a full GC first, so the histogram counts live
   * objects only, which is what a leak hunt wants, at the price of that GC's pause. The Future fails with an
   * {@link IllegalStateException} saying why when this JVM has no such MBean (not HotSpot) or the command fails.
   */
  public static Future<ClassHistogram> take(Vertx vertx) {
    return take(vertx, ManagementFactory.getPlatformMBeanServer());
  }

  /** {@link #take(Vertx)} against a given MBean server, so tests can show the failure on one without the command. */
  static Future<ClassHistogram> take(Vertx vertx, MBeanServer server) {
    return vertx.executeBlocking(() -> takeHere(server), false);
  }

  /** {@link #take(Vertx)} on the calling thread, which it blocks for a full GC: for a thread of Bulwark's own. */
  static ClassHistogram takeHere() {
    return takeHere(ManagementFactory.getPlatformMBeanServer());
  }

  private static ClassHistogram takeHere(MBeanServer server) {
    return parse(runCommand(server), System.currentTimeMillis());
  }

  /**
   * The histogram's text as the JVM writes it, unparsed (a baseline held this way is two objects, not thousands), on
   * the calling thread, which it blocks for a full GC: for a worker or a thread of Bulwark's own.
   */
  static String takeTextHere() {
    return runCommand(ManagementFactory.getPlatformMBeanServer());
  }

  private static String runCommand(MBeanServer server) {
    try {
      Object text = server.invoke(new ObjectName(DIAGNOSTIC_COMMAND), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      if (!(text instanceof String)) {
        throw new IllegalStateException("gcClassHistogram returned " + text + " instead of the histogram's text");
      }
      return (String) text;
    } catch (InstanceNotFoundException e) {
      throw new IllegalStateException("no " + DIAGNOSTIC_COMMAND + " MBean on this JVM ("
          + System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version")
          + "): class histograms need a HotSpot JVM", e);
    } catch (JMException e) {
      throw new IllegalStateException("the DiagnosticCommand gcClassHistogram failed: " + e, e);
    }
  }

  /** The growth of every class from {@code baseline} to this histogram (this minus the baseline). */
  public HistogramDiff diff(ClassHistogram baseline) {
    return HistogramDiff.between(baseline, this);
  }

  /** This class's entry, or null when the histogram does not list it. */
  public Entry get(String className) {
    return classes.get(className);
  }

  public Set<String> classNames() {
    return classes.keySet();
  }

  /** The {@code n} classes holding the most bytes, largest first. */
  public List<Entry> topByBytes(int n) {
    requireCount(n);
    List<Entry> sorted = new ArrayList<>(classes.values());
    sorted.sort(BY_BYTES);
    return List.copyOf(sorted.subList(0, Math.min(n, sorted.size())));
  }

  public long totalInstances() {
    return totalInstances;
  }

  public long totalBytes() {
    return totalBytes;
  }

  public long takenAtMillis() {
    return takenAtMillis;
  }

  /** {@code {"takenAt", "totalInstances", "totalBytes", "classCount", "classes": [{"name","instances","bytes"}]}}. */
  public JsonObject toJson(int top) {
    JsonArray rows = new JsonArray();
    for (Entry e : topByBytes(top)) {
      rows.add(new JsonObject().put("name", e.name()).put("instances", e.instances()).put("bytes", e.bytes()));
    }
    return new JsonObject()
        .put("takenAt", takenAtMillis)
        .put("totalInstances", totalInstances)
        .put("totalBytes", totalBytes)
        .put("classCount", classes.size())
        .put("classes", rows);
  }

  static void requireCount(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("the number of classes must be >= 0, got " + n);
    }
  }
}
