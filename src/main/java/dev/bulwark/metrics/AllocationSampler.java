package dev.bulwark.metrics;

import dev.bulwark.leak.LeakOptions;
import dev.bulwark.scope.RequestScopeHandler;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Measures the bytes one routed request in {@code N} allocates, by route template, into {@link RouteAllocations}. An
 * event loop runs one handler at a time, so its thread's allocated-bytes counter read as a sampled request arrives and
 * again as it ends gives what the request allocated on that loop: exactly, for a route that answers synchronously; as
 * an upper bound for one that answers later (whatever the loop ran meanwhile is counted too). A plain counter per
 * event loop picks the requests; an unsampled request costs a decrement on arrival and a field read at its end, with
 * nothing allocated and no lock. Create one {@link RouteAllocations} per server and one sampler per event loop. On a
 * route of its own it adds an end handler to sampled requests; as a {@link RequestScopeHandler.Guard} it is told of
 * their end by the scope handler's hook instead.
 */
public interface AllocationSampler extends Handler<RoutingContext>, RequestScopeHandler.Guard {

  /** One routed request in this many is measured by default. */
  int DEFAULT_SAMPLING = LeakOptions.DEFAULT_ALLOCATION_SAMPLING;

  /** The sampler of the next event loop, at the rate of {@code allocations}. */
  static AllocationSampler create(RouteAllocations allocations) {
    return new AllocationSamplerImpl(allocations);
  }
}
