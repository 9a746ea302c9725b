package dev.bulwark.health;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.time.Duration;

/** Whether Redis answers: a PING on a timer, read by readiness when {@code redis.required}. */
public final class RedisCheck {

  private final Vertx vertx;
  private final long timerId;
  private volatile boolean up = true;

  public RedisCheck(Vertx vertx, Redis redis, Duration every) {
    this.vertx = vertx;
    this.timerId = vertx.setPeriodic(0, every.toMillis(), id -> redis.send(Request.cmd(Command.PING))
        .onComplete(ar -> up = ar.succeeded()));
  }

  public boolean up() {
    return up;
  }

  public void close() {
    vertx.cancelTimer(timerId);
  }
}
