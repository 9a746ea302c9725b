package dev.bulwark.scope;

import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;

/**
 * The requests in progress on one event loop, one row each. Rows are made when the table grows and reused after, so a
 * request costs no allocation here; a free list makes taking and giving back a row O(1). Confined to its event loop.
 */
final class RequestScopeTable {

  private static final int INITIAL_ROWS = 16;
  private static final int NONE = -1;

  /** One request in progress: what its guards and its timeout need, and its scope once it has asked for it. */
  static final class Row {
    RoutingContext ctx;
    RequestScopeEntry entry;
    RequestScopeImpl scope;
    long start;
    long deadline;
    /** False once the request no longer times out: its response has started, or it already timed out. */
    boolean timed;
    boolean timedOut;
    /** Set while the request's end runs, so an end event raised by an end handler is not a second end. */
    boolean ending;
    /** How many guards let the request on: only they are told of its end. */
    int entered;
    private int nextFree = NONE;
  }

  private Row[] rows = new Row[INITIAL_ROWS];
  private int made;
  private int firstFree = NONE;
  private int inUse;

  /** Takes a row for {@code ctx}; returns its index, stable until {@link #free}. */
  int take(RoutingContext ctx, RequestScopeEntry entry, long start, long deadline) {
    int slot = firstFree;
    if (slot == NONE) {
      slot = grow();
    } else {
      firstFree = rows[slot].nextFree;
    }
    Row row = rows[slot];
    row.ctx = ctx;
    row.entry = entry;
    row.start = start;
    row.deadline = deadline;
    row.timed = true;
    row.timedOut = false;
    row.ending = false;
    row.entered = 0;
    inUse++;
    return slot;
  }

  private int grow() {
    if (made == rows.length) {
      rows = Arrays.copyOf(rows, made * 2);
    }
    rows[made] = new Row();
    return made++;
  }

  Row row(int slot) {
    return rows[slot];
  }

  /** Gives a row back, dropping what it referred to. */
  void free(int slot) {
    Row row = rows[slot];
    row.ctx = null;
    row.entry = null;
    row.scope = null;
    row.nextFree = firstFree;
    firstFree = slot;
    inUse--;
  }

  /** Rows ever made: every row in use has an index below this. */
  int made() {
    return made;
  }

  int inUse() {
    return inUse;
  }
}
