package dev.bulwark.scope;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where scoped resources are made, for the ones sampled, and how many of those the scope had to release because they
 * were still live when their owner ended: the handlers that would leak without Bulwark. Like Netty's leak detector it
 * costs nothing for a resource that is not sampled; sites are bounded by {@code scope.maxSites}.
 */
final class SiteTracker {

  private static final Logger LOG = LoggerFactory.getLogger(SiteTracker.class);
  private static final String OTHER = "other";
  private static final StackWalker WALKER = StackWalker.getInstance();

  private final boolean all;
  private final boolean off;
  private final int sampleInterval;
  private final int maxSites;
  private final Map<String, Site> sites = new ConcurrentHashMap<>();

  private record Site(ResourceKind kind, LongAdder releasedByScope) {
  }

  SiteTracker(ScopeOptions options) {
    this.off = options.trackSites().equals(ScopeOptions.TRACK_OFF);
    this.all = options.trackSites().equals(ScopeOptions.TRACK_ALL);
    this.sampleInterval = options.sampleInterval();
    this.maxSites = options.maxSites();
  }

  /** The creation site of the resource being made, or null when this one is not sampled. */
  String capture() {
    if (off || (!all && ThreadLocalRandom.current().nextInt(sampleInterval) != 0)) {
      return null;
    }
    return WALKER.walk(frames -> frames
        .filter(f -> !isInternal(f.getClassName()))
        .findFirst()
        .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":" + f.getLineNumber() + ")")
        .orElse(OTHER));
  }

  private static final java.util.List<String> ENGINE = java.util.List.of(AbstractScope.class.getName(),
      RequestScopeImpl.class.getName(), VerticleScopeImpl.class.getName(), Resource.class.getName(),
      SiteTracker.class.getName());

  private static boolean isInternal(String className) {
    for (String engine : ENGINE) {
      if (className.startsWith(engine)) {
        return true;
      }
    }
    return className.startsWith("io.vertx.")
        || className.startsWith("io.netty.") || className.startsWith("java.") || className.startsWith("jdk.");
  }

  /** A sampled resource was still live when its scope ended, so the scope released it. */
  void releasedByScope(String site, ResourceKind kind, ReleaseReason reason) {
    String key = sites.containsKey(site) || sites.size() < maxSites ? site : OTHER;
    Site entry = sites.get(key);
    if (entry == null) {
      Site fresh = new Site(kind, new LongAdder());
      entry = sites.putIfAbsent(key, fresh);
      if (entry == null) {
        entry = fresh;
        LOG.warn("A {} made at {} was still live when its scope ended ({}), so the scope released it. Without a "
            + "scope this handler would leak; release it yourself when done. Logged once per site; counts in "
            + "the admin status (scopes.sites; scope.trackSites)", kind.name().toLowerCase(), key, reason.label());
      }
    }
    entry.releasedByScope().increment();
  }

  /** The sites with the most releases by scope, most first. */
  JsonArray top(int n) {
    JsonArray out = new JsonArray();
    sites.entrySet().stream()
        .sorted(Comparator.comparingLong((Map.Entry<String, Site> e) -> e.getValue().releasedByScope().sum())
            .reversed())
        .limit(n)
        .forEach(e -> out.add(new JsonObject().put("site", e.getKey()).put("kind", e.getValue().kind().plural())
            .put("releasedByScope", e.getValue().releasedByScope().sum())));
    return out;
  }

  String mode() {
    return off ? ScopeOptions.TRACK_OFF : all ? ScopeOptions.TRACK_ALL : ScopeOptions.TRACK_SAMPLED;
  }
}
