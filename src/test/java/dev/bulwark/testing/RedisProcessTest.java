package dev.bulwark.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/** The fixture later Redis tests stand on: a real redis-server of our own, on a free port, gone afterwards. */
class RedisProcessTest {

  @Test
  void startsARealRedisOnAFreePortAndStopsIt() throws Exception {
    int port;
    try (RedisProcess redis = RedisProcess.start()) {
      port = redis.port();
      assertThat(port).isNotEqualTo(6379);
      assertThat(redis.command("SET k v")).isEqualTo("+OK");
      assertThat(redis.command("INCR n")).isEqualTo(":1");
    }
    RedisProcess.freePort();
    assertThatThrownBy(() -> new java.net.Socket("127.0.0.1", port).close()).isInstanceOf(IOException.class);
  }
}
