package dev.bulwark.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.spi.ApiError;
import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The local store on its own: bytes weighed as bytes, re-weighed after each change, and atomic limits. */
class BoundedSessionStoreTest {

  private static final String ID = "i".repeat(SessionCookie.ID_LENGTH);

  /** A weight floor (maxBytes / maxSessions) of one byte, so the weights below are the sessions' own. */
  private static BoundedSessionStore store(int maxKeys) {
    return new BoundedSessionStore(new SessionOptions().setMaxBytes(16L << 20).setMaxSessions(10_000_000)
        .setMaxKeys(maxKeys), 0.5, Runnable::run);
  }

  @Test
  void valuesWeighTheirBytesAndEveryWriteIsReweighed() {
    BoundedSessionStore store = store(32);
    store.visit(ID, true).result();
    long empty = store.weightBytes();
    assertThat(empty).isEqualTo(LocalSession.SESSION_OVERHEAD + ID.length());
    byte[] ff = new byte[4096];
    Arrays.fill(ff, (byte) 0xFF);
    assertThat(store.put(ID, "bin", Buffer.buffer(ff), false).result()).isTrue();
    assertThat(store.weightBytes() - empty).as("4 KiB of 0xFF weighs 4 KiB, not 8")
        .isEqualTo(LocalSession.ENTRY_OVERHEAD + 2 * "bin".length() + 4096);
    assertThat(store.get(ID, "bin").result().getBytes()).isEqualTo(ff);
    store.put(ID, "bin", Buffer.buffer(new byte[10]), false).result();
    assertThat(store.weightBytes() - empty).isEqualTo(LocalSession.ENTRY_OVERHEAD + 2 * "bin".length() + 10);
    store.delete(ID, "bin").result();
    assertThat(store.weightBytes()).isEqualTo(empty);
    assertThat(store.get(ID, "bin").result()).isNull();
  }

  @Test
  void withoutCreateAMissingSessionIsNeverMade() {
    BoundedSessionStore store = store(32);
    assertThat(store.visit(ID, false).result()).isNull();
    assertThat(store.put(ID, "k", Buffer.buffer("v"), false).result()).isFalse();
    assertThat(store.get(ID, "k").result()).isNull();
    assertThat(store.weightBytes()).isZero();
    assertThat(store.put(ID, "k", Buffer.buffer("v"), true).result()).isTrue();
    assertThat(store.visit(ID, false).result()).isEqualTo(1);
  }

  @Test
  void threadsRacingOnOneSessionStoreExactlyMaxKeys() throws Exception {
    BoundedSessionStore store = store(32);
    store.visit(ID, true).result();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    AtomicInteger stored = new AtomicInteger();
    AtomicInteger refused = new AtomicInteger();
    for (int i = 0; i < 200; i++) {
      String key = String.format("k%03d", i);
      pool.execute(() -> {
        var put = store.put(ID, key, Buffer.buffer(new byte[16]), false);
        if (put.succeeded()) {
          stored.incrementAndGet();
        } else if (put.cause() instanceof ApiError e && e.code().equals("too_many_keys")) {
          refused.incrementAndGet();
        }
      });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(stored.get()).isEqualTo(32);
    assertThat(refused.get()).isEqualTo(168);
    assertThat(store.weightBytes()).as("the weight of exactly the stored keys").isEqualTo(
        LocalSession.SESSION_OVERHEAD + ID.length() + 32 * (LocalSession.ENTRY_OVERHEAD + 2 * 4 + 16));
  }
}
