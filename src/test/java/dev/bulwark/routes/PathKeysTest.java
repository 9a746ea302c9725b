package dev.bulwark.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PathKeysTest {

  private static String percentEncode(byte[] bytes) {
    StringBuilder out = new StringBuilder();
    for (byte b : bytes) {
      out.append('%').append(String.format("%02X", b & 0xff));
    }
    return out.toString();
  }

  private static boolean validUtf8(byte[] bytes) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void randomByteStringsEitherDecodeToDistinctKeysOrAreRefused() {
    Random random = new Random(42);
    Map<String, String> seen = new HashMap<>();
    int valid = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[1 + random.nextInt(6)];
      random.nextBytes(bytes);
      if (i % 3 == 0) {
        for (int j = 0; j < bytes.length; j++) {
          bytes[j] &= 0x7f; // plenty of ASCII too
        }
      }
      String encoded = percentEncode(bytes);
      String key = PathKeys.decode(encoded);
      if (!validUtf8(bytes)) {
        assertThat(key).as(encoded).isNull();
        continue;
      }
      valid++;
      assertThat(key.getBytes(StandardCharsets.UTF_8)).as(encoded).isEqualTo(bytes);
      String before = seen.putIfAbsent(key, encoded);
      if (before != null) {
        assertThat(PathKeys.decode(before)).isEqualTo(key);
        assertThat(before).isEqualToIgnoringCase(encoded); // the same bytes, never two different ones
      }
    }
    assertThat(valid).isGreaterThan(5_000);
  }

  @Test
  void malformedSequencesAndEscapesAreRefused() {
    for (String raw : new String[] {"x%FF", "x%FE", "x%C0", "x%80", "x%ED%A0%80", "%", "%Z1", "ab%4"}) {
      assertThat(PathKeys.decode(raw)).as(raw).isNull();
    }
    assertThat(PathKeys.decode("x%EF%BF%BD")).isEqualTo("x\uFFFD"); // a real U+FFFD is a key of its own
    assertThat(PathKeys.lastSegment("/cache/users/a%20b")).isEqualTo("a b");
  }
}
