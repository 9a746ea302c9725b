package dev.bulwark.leak;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The growth of each class between two histograms: a baseline and a later one. Classes new since the baseline grow by
 * all they hold; classes gone since it shrink by all they held. Immutable.
 */
public final class HistogramDiff {

  /**
   * One class: what it holds now ({@code instances}, {@code bytes}) and how much that changed since the baseline
   * (negative when it shrank).
   */
  public record Growth(String name, long instances, long bytes, long instancesGrowth, long bytesGrowth) {}

  /** Largest byte growth first; ties by name, so equal growths always come out in the same order. */
  private static final Comparator<Growth> BY_BYTES_GROWTH =
      Comparator.comparingLong(Growth::bytesGrowth).reversed().thenComparing(Growth::name);

  private final long sinceMillis;
  private final long takenAtMillis;
  private final Map<String, Growth> growth;

  private HistogramDiff(long sinceMillis, long takenAtMillis, Map<String, Growth> growth) {
    this.sinceMillis = sinceMillis;
    this.takenAtMillis = takenAtMillis;
    this.growth = growth;
  }

  static HistogramDiff between(ClassHistogram baseline, ClassHistogram current) {
    return between(baseline, current, Map.of());
  }

  /**
   * The growth from {@code baseline} to {@code current}, less {@code held}: what the one who diffs held himself while
   * {@code current} was taken (the baseline's own objects), by class name, so it never shows as growth.
   */
  static HistogramDiff between(ClassHistogram baseline, ClassHistogram current, Map<String, ClassHistogram.Entry> held) {
    Set<String> names = new HashSet<>(current.classNames());
    names.addAll(baseline.classNames());
    List<Growth> all = new ArrayList<>(names.size());
    for (String name : names) {
      ClassHistogram.Entry now = current.get(name);
      ClassHistogram.Entry mine = held.get(name);
      if (now != null && mine != null) {
        now = new ClassHistogram.Entry(name, Math.max(0, now.instances() - mine.instances()),
            Math.max(0, now.bytes() - mine.bytes()));
      }
      all.add(growthOf(name, baseline.get(name), now));
    }
    all.sort(BY_BYTES_GROWTH);
    Map<String, Growth> byName = new LinkedHashMap<>();
    all.forEach(g -> byName.put(g.name(), g));
    return new HistogramDiff(baseline.takenAtMillis(), current.takenAtMillis(), byName);
  }

  private static Growth growthOf(String name, ClassHistogram.Entry before, ClassHistogram.Entry now) {
    long instances = now == null ? 0 : now.instances();
    long bytes = now == null ? 0 : now.bytes();
    long instancesBefore = before == null ? 0 : before.instances();
    long bytesBefore = before == null ? 0 : before.bytes();
    return new Growth(name, instances, bytes, instances - instancesBefore, bytes - bytesBefore);
  }

  /** The growth of one class, or null when neither histogram lists it. */
  public Growth get(String className) {
    return growth.get(className);
  }

  /** Every class of either histogram, largest byte growth first. */
  public List<Growth> all() {
    return List.copyOf(growth.values());
  }

  /** At most {@code n} classes whose bytes grew, largest growth first, ties by name. */
  public List<Growth> topByBytes(int n) {
    ClassHistogram.requireCount(n);
    return growth.values().stream().filter(g -> g.bytesGrowth() > 0).limit(n).toList();
  }

  public long sinceMillis() {
    return sinceMillis;
  }

  public long takenAtMillis() {
    return takenAtMillis;
  }

  /**
   * {@code {"since", "takenAt", "classes": [{"name","instances","bytes","instancesGrowth","bytesGrowth"}]}}, the
   * classes being {@link #topByBytes(int) topByBytes(n)}; times in epoch milliseconds.
   */
  public JsonObject toJson(int n) {
    JsonArray rows = new JsonArray();
    for (Growth g : topByBytes(n)) {
      rows.add(new JsonObject()
          .put("name", g.name())
          .put("instances", g.instances())
          .put("bytes", g.bytes())
          .put("instancesGrowth", g.instancesGrowth())
          .put("bytesGrowth", g.bytesGrowth()));
    }
    return new JsonObject().put("since", sinceMillis).put("takenAt", takenAtMillis).put("classes", rows);
  }
}
