package dev.bulwark.pool;

import io.vertx.core.Context;
import io.vertx.core.Promise;

/** A borrower: where to answer, when it asked, its timeout timer and (with leak detection) where it asked from. */
final class Waiter<C> {

  final Promise<Lease<C>> promise = Promise.promise();
  final Context caller;
  final Throwable site;
  final long since;
  long timerId = -1;
  boolean done;

  Waiter(Context caller, Throwable site, long since) {
    this.caller = caller;
    this.site = site;
    this.since = since;
  }
}
