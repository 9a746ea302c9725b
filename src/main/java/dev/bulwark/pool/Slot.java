package dev.bulwark.pool;

/** One connection the pool holds, with the times eviction looks at (in the pool clock's nanoseconds). */
final class Slot<C> {

  final C connection;
  final long createdAt;
  long lastUsedAt;

  Slot(C connection, long now) {
    this.connection = connection;
    this.createdAt = now;
    this.lastUsedAt = now;
  }
}
