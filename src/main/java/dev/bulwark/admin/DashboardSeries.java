package dev.bulwark.admin;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * The dashboard's time series: a ring of the last {@code admin.dashboardSamples} samples of a few {@code /admin/status}
 * figures, one per {@code admin.dashboardInterval}. Its memory is bounded: each sample is kept as its encoded JSON
 * (about half a kilobyte), the oldest overwritten once the ring is full. Samples come from the status sections
 * themselves, so a chart and {@code /admin/status} never disagree; those run on the admin event loop and never block.
 */
public final class DashboardSeries {

  /** The status sections a sample reads. */
  static final List<String> SECTIONS = List.of("memory", "pressure", "budgets", "scopes", "caches", "pool", "http",
      "eventLoop", "leaks");

  private final Function<Iterable<String>, JsonObject> status;
  private final long intervalMs;
  private final JsonObject heapThresholds;
  private final Buffer[] ring;
  private final long[] times;
  private int next;
  private int size;

  /**
   * {@code status} reads the named sections ({@link AdminStatus#snapshot(Iterable)}); {@code heapThresholds} are the
   * fractions of the max heap where pressure turns ELEVATED and CRITICAL, drawn as lines on the heap chart.
   */
  public DashboardSeries(AdminOptions options, Function<Iterable<String>, JsonObject> status,
      double elevatedFraction, double criticalFraction) {
    this.status = status;
    this.intervalMs = options.dashboardInterval().toMillis();
    this.heapThresholds = new JsonObject().put("elevated", elevatedFraction).put("critical", criticalFraction);
    this.ring = new Buffer[options.dashboardSamples()];
    this.times = new long[ring.length];
  }

  public long intervalMs() {
    return intervalMs;
  }

  /** Takes one sample now, at {@code epochMillis}. */
  public synchronized void sample(long epochMillis) {
    ring[next] = sampleOf(status.apply(SECTIONS), epochMillis).toBuffer();
    times[next] = epochMillis;
    next = (next + 1) % ring.length;
    size = Math.min(size + 1, ring.length);
  }

  /**
   * The {@code GET /admin/timeseries} document, oldest sample first: {@code intervalMs}, {@code capacity},
   * {@code heapThresholds} and the samples taken after {@code sinceMillis} (all with {@link Long#MIN_VALUE}).
   */
  public synchronized Buffer toBuffer(long sinceMillis) {
    Buffer out = Buffer.buffer(256 + size * 512);
    out.appendString("{\"intervalMs\":" + intervalMs + ",\"capacity\":" + ring.length + ",\"heapThresholds\":"
        + heapThresholds.encode() + ",\"samples\":[");
    boolean first = true;
    for (int i = 0; i < size; i++) {
      int at = Math.floorMod(next - size + i, ring.length);
      if (times[at] > sinceMillis) {
        out.appendString(first ? "" : ",").appendBuffer(ring[at]);
        first = false;
      }
    }
    return out.appendString("]}");
  }

  /** One sample: flat figures named as in {@code /admin/status}, the budgets, caches and pool as small objects. */
  static JsonObject sampleOf(JsonObject status, long epochMillis) {
    JsonObject memory = section(status, "memory");
    JsonObject pressure = section(status, "pressure");
    JsonObject signals = pressure.getJsonObject("signals", new JsonObject());
    JsonObject scopes = section(status, "scopes");
    JsonObject http = section(status, "http");
    JsonObject sample = new JsonObject().put("t", epochMillis)
        .put("heapUsed", memory.getLong("heapUsed")).put("heapMax", memory.getLong("heapMax"))
        .put("oldGenAfterLastGc", memory.getLong("oldGenAfterLastGc"))
        .put("heapAfterGc", signals.getLong("heapAfterGc")).put("heapFraction", signals.getDouble("heapFraction"))
        .put("pressureLevel", pressure.getString("level")).put("shedCount", pressure.getLong("shedCount"))
        .put("budgets", budgets(section(status, "budgets")))
        .put("scopesOpen", scopes.getLong("open")).put("scopesOutstanding", scopes.getJsonObject("outstanding"))
        .put("caches", caches(status.getJsonArray("caches", new JsonArray())))
        .put("connections", http.getLong("connections")).put("inFlight", http.getLong("inFlight"))
        .put("delayP99Ms", section(status, "eventLoop").getDouble("delayP99Ms"))
        .put("leakStatus", section(status, "leaks").getString("status"));
    JsonObject pool = status.getJsonObject("pool");
    if (pool != null) {
      sample.put("pool", new JsonObject().put("active", pool.getLong("active")).put("waiting", pool.getLong("waiting"))
          .put("maxSize", pool.getLong("maxSize")).put("maxWaiting", pool.getLong("maxWaiting")));
    }
    return sample;
  }

  private static JsonObject section(JsonObject status, String name) {
    Object value = status.getValue(name);
    return value instanceof JsonObject json ? json : new JsonObject();
  }

  /** Each child of the budget tree as {@code {"used","limit"}}, plus the parent as {@code total}. */
  private static JsonObject budgets(JsonObject tree) {
    JsonObject out = new JsonObject();
    JsonObject children = tree.getJsonObject("children", new JsonObject());
    for (String name : children.fieldNames()) {
      JsonObject child = children.getJsonObject(name);
      out.put(name, new JsonObject().put("used", child.getLong("used")).put("limit", child.getLong("limit")));
    }
    return new JsonObject().put("total", new JsonObject().put("used", tree.getLong("used"))
        .put("limit", tree.getLong("limit"))).put("children", out);
  }

  private static JsonArray caches(JsonArray caches) {
    JsonArray out = new JsonArray();
    for (Object each : caches) {
      if (each instanceof JsonObject c) {
        out.add(new JsonObject().put("name", c.getString("name")).put("weightBytes", c.getLong("weightBytes"))
            .put("maxWeightBytes", c.getLong("maxWeightBytes")).put("hitRate", c.getDouble("hitRate")));
      }
    }
    return out;
  }
}
