package dev.bulwark.server;

import dev.bulwark.admin.AdminStatus;
import dev.bulwark.health.Health;
import dev.bulwark.leak.Diagnostics;
import dev.bulwark.memory.MemoryMonitor;
import dev.bulwark.metrics.Metrics;
import dev.bulwark.metrics.RequestMetricsHandler.RequestMeters;
import dev.bulwark.metrics.RouteAllocations;
import dev.bulwark.scope.DrainSignal;
import dev.bulwark.scope.ScopeCounters;
import dev.bulwark.stream.BodyReader;

/** What all verticles of one server share: built once at start, handed to each verticle's constructor. */
record ServerParts(Metrics metrics, RequestMeters requestMeters, AdminStatus status, ScopeCounters scopes,
    MemoryMonitor memory, BodyReader bodies, MountedModules modules, Health health, ConnectionGuard connections,
    RejectedRequests rejected, Diagnostics diagnostics, RouteAllocations allocations, DrainSignal drain,
    Listeners listeners) {
}
