package dev.bulwark.server;

import dev.bulwark.admin.AdminStatus;
import dev.bulwark.metrics.Metrics;
import dev.bulwark.scope.ScopeCounters;

/** What all verticles of one server share: built once at start, handed to each verticle's constructor. */
record ServerParts(Metrics metrics, AdminStatus status, ScopeCounters scopes) {
}
