package dev.bulwark.scope;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

/**
 * The accounting of every scope in one server: scopes opened, resources live by kind, releases by reason, requests
 * timed out, limit breaches, failed releases and late acquisitions, plus the creation sites of resources the scopes
 * had to release.
 * Per-request counts live in one {@link LoopCounters} per event loop; rarer events use striped adders; readers sum.
 */
public final class ScopeCounters {

  private static final int TOP_SITES = 20;

  private final List<LoopCounters> loops = new CopyOnWriteArrayList<>();
  private final LongAdder[] outstanding = adders(ResourceKind.values().length);
  private final LongAdder[] verticleOutstanding = adders(ResourceKind.values().length);
  private final LongAdder[] released = adders(ReleaseReason.values().length);
  private final LongAdder limitBreaches = new LongAdder();
  private final LongAdder releaseFailures = new LongAdder();
  private final LongAdder lateAcquisitions = new LongAdder();
  private final SiteTracker sites;

  public ScopeCounters(ScopeOptions options) {
    this.sites = new SiteTracker(options);
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  SiteTracker sites() {
    return sites;
  }

  /** Counts for one more event loop's request scopes. */
  LoopCounters newLoop() {
    LoopCounters loop = new LoopCounters();
    loops.add(loop);
    return loop;
  }

  private long opened() {
    long total = 0;
    for (LoopCounters loop : loops) {
      total += loop.openedCount();
    }
    return total;
  }

  void recordOutstanding(ResourceKind kind, int delta, boolean longLived) {
    (longLived ? verticleOutstanding : outstanding)[kind.ordinal()].add(delta);
  }

  void recordRelease(ReleaseReason reason) {
    released[reason.ordinal()].increment();
  }

  void limitBreached() {
    limitBreaches.increment();
  }

  void releaseFailed() {
    releaseFailures.increment();
  }

  void lateAcquisition() {
    lateAcquisitions.increment();
  }

  /** Request scopes made and not yet released (a request that never asks for its scope makes none). */
  public long open() {
    long open = 0;
    for (LoopCounters loop : loops) {
      open += loop.openCount();
    }
    return open;
  }

  /** Requests answered 503 {@code request_timeout}, whether or not they had made their scope. */
  public long timedOut() {
    long total = 0;
    for (LoopCounters loop : loops) {
      total += loop.timedOutCount();
    }
    return total;
  }

  /** Live resources of one kind, in every request scope. */
  public long outstanding(ResourceKind kind) {
    return outstanding[kind.ordinal()].sum();
  }

  /** Live resources of one kind held by verticle and route-module scopes. */
  public long verticleOutstanding(ResourceKind kind) {
    return verticleOutstanding[kind.ordinal()].sum();
  }


  /** Scopes released for {@code reason}: request scopes on every event loop, plus verticle scopes. */
  public long released(ReleaseReason reason) {
    long total = released[reason.ordinal()].sum();
    for (LoopCounters loop : loops) {
      total += loop.releasedCount(reason);
    }
    return total;
  }

  public long limitBreaches() {
    return limitBreaches.sum();
  }

  public long releaseFailures() {
    return releaseFailures.sum();
  }

  public long lateAcquisitions() {
    return lateAcquisitions.sum();
  }

  /** The {@code scopes} section of {@code /admin/status}. */
  public JsonObject toJson() {
    JsonObject live = new JsonObject();
    JsonObject verticleLive = new JsonObject();
    for (ResourceKind k : ResourceKind.values()) {
      live.put(k.plural(), outstanding(k));
      verticleLive.put(k.plural(), verticleOutstanding(k));
    }
    JsonObject byReason = new JsonObject();
    for (ReleaseReason r : ReleaseReason.values()) {
      byReason.put(r.label(), released(r));
    }
    return new JsonObject()
        .put("open", open())
        .put("opened", opened())
        .put("outstanding", live)
        .put("verticleOutstanding", verticleLive)
        .put("released", byReason)
        .put("timedOut", timedOut())
        .put("limitBreaches", limitBreaches())
        .put("releaseFailures", releaseFailures())
        .put("lateAcquisitions", lateAcquisitions())
        .put("trackSites", sites.mode())
        .put("sites", sites.top(TOP_SITES));
  }

  /** Registers the scope meters: gauges read the adders when scraped, nothing is recorded twice. */
  public void bindTo(MeterRegistry registry) {
    Gauge.builder("bulwark.scope.open", this, ScopeCounters::open)
        .description("Request scopes open now").register(registry);
    for (ResourceKind k : ResourceKind.values()) {
      Gauge.builder("bulwark.scope.outstanding", this, c -> c.outstanding(k))
          .tag("kind", k.plural()).tag("owner", "request")
          .description("Live resources owned by scopes").register(registry);
      Gauge.builder("bulwark.scope.outstanding", this, c -> c.verticleOutstanding(k))
          .tag("kind", k.plural()).tag("owner", "verticle")
          .description("Live resources owned by scopes").register(registry);
    }
    for (ReleaseReason r : ReleaseReason.values()) {
      FunctionCounter.builder("bulwark.scope.released", this, c -> c.released(r))
          .tag("reason", r.label()).description("Scopes released, by reason").register(registry);
    }
    FunctionCounter.builder("bulwark.scope.timeouts", this, ScopeCounters::timedOut)
        .description("Requests answered 503 request_timeout, with or without a scope").register(registry);
    FunctionCounter.builder("bulwark.scope.limit.breaches", this, ScopeCounters::limitBreaches)
        .description("Requests failed with scope_limit").register(registry);
    FunctionCounter.builder("bulwark.scope.release.failures", this, ScopeCounters::releaseFailures)
        .description("Resources whose release failed (the others were still released)").register(registry);
    FunctionCounter.builder("bulwark.scope.late.acquisitions", this, ScopeCounters::lateAcquisitions)
        .description("Resources asked of a scope already released, refused at once").register(registry);
  }
}
