package dev.bulwark.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeNameTest {

  @Test
  void dropsControlAndBidirectionalOverrideCharactersAndKeepsTheLastSegment() {
    assertThat(UploadReceiver.safeName("report\u202Etxt.exe")).isEqualTo("reporttxt.exe");
    assertThat(UploadReceiver.safeName("a\u200Fb\u2066c\u0007d\u0000e.txt")).isEqualTo("abcde.txt");
    assertThat(UploadReceiver.safeName("../../etc/passwd")).isEqualTo("passwd");
    assertThat(UploadReceiver.safeName("C:\\Users\\x\\été.txt")).isEqualTo("été.txt");
    assertThat(UploadReceiver.safeName(null)).isEmpty();
  }
}
