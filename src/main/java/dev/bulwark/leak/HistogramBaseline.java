package dev.bulwark.leak;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A class histogram kept as the JVM's text until it is diffed: a parsed baseline would be thousands of entries, names
 * and map nodes, all live when the next histogram is taken and all shown as growth. Held as text it is one string and
 * its bytes, and {@link #diff} takes exactly those out of the growth.
 */
final class HistogramBaseline {

  /** An array's header with compressed class pointers (the default below 32 GiB of heap); arrays align to 8. */
  private static final int ARRAY_HEADER = 16;

  private final String text;
  private final long takenAtMillis;

  HistogramBaseline(String text, long takenAtMillis) {
    this.text = text;
    this.takenAtMillis = takenAtMillis;
  }

  /** Takes one (a full GC) on a worker thread. */
  static Future<HistogramBaseline> take(Vertx vertx) {
    return vertx.executeBlocking(HistogramBaseline::takeHere, false);
  }

  /** Takes one (a full GC) on the calling thread: for a thread of Bulwark's own, never an event loop. */
  static HistogramBaseline takeHere() {
    return new HistogramBaseline(ClassHistogram.takeTextHere(), System.currentTimeMillis());
  }

  /** {@code {"takenAt","totalInstances","totalBytes","classCount","classes":[]}}, parsed for the answer only. */
  io.vertx.core.json.JsonObject totals() {
    return ClassHistogram.parse(text, takenAtMillis).toJson(0);
  }

  long takenAtMillis() {
    return takenAtMillis;
  }

  /** The growth from this baseline to {@code current}, which was taken while this was held. */
  HistogramDiff diff(ClassHistogram current) {
    ClassHistogram before = ClassHistogram.parse(text, takenAtMillis);
    boolean latin1 = StandardCharsets.ISO_8859_1.newEncoder().canEncode(text);
    long textBytes = align(ARRAY_HEADER + (latin1 ? 1L : 2L) * text.length());
    ClassHistogram.Entry strings = current.get("java.lang.String");
    long stringSize = strings == null || strings.instances() == 0 ? 24 : strings.bytes() / strings.instances();
    ClassHistogram.Entry self = current.get(HistogramBaseline.class.getName());
    Map<String, ClassHistogram.Entry> held = Map.of(
        "[B", new ClassHistogram.Entry("[B", 1, textBytes),
        "java.lang.String", new ClassHistogram.Entry("java.lang.String", 1, stringSize),
        HistogramBaseline.class.getName(), self == null ? new ClassHistogram.Entry("", 0, 0) : self);
    return HistogramDiff.between(before, current, held);
  }

  private static long align(long bytes) {
    return (bytes + 7) & ~7L;
  }
}
