package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import javax.management.MBeanServerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Parsing captured {@code GC.class_histogram} text, diffs, and taking real histograms of the test JVM. */
@ExtendWith(VertxExtension.class)
class ClassHistogramTest {

  /** Held between two takes so that it is live, then released. 4 longs: about 48 bytes each on a 64-bit JVM. */
  private static final class Leaked {
    long a;
    long b;
    long c;
    long d;
  }

  private static final ArrayList<Leaked> held = new ArrayList<>();

  private static String fixture() throws IOException {
    try (InputStream in = ClassHistogramTest.class.getResourceAsStream("/leak/histogram-jdk17.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ClassHistogram of(long takenAt, String... rows) {
    StringBuilder text = new StringBuilder(" num     #instances         #bytes  class name (module)\n");
    int i = 1;
    for (String row : rows) {
      text.append(i++).append(": ").append(row).append('\n');
    }
    return ClassHistogram.parse(text.toString(), takenAt);
  }

  @Test
  void parsesCapturedTextDroppingModulesKeepingArraysSummingLoaders() throws IOException {
    ClassHistogram h = ClassHistogram.parse(fixture(), 1234L);
    assertThat(h.takenAtMillis()).isEqualTo(1234L);
    assertThat(h.get("java.lang.String")).isEqualTo(new ClassHistogram.Entry("java.lang.String", 16850, 404400));
    assertThat(h.get("[B").bytes()).isEqualTo(1171504);
    assertThat(h.get("[Lcom.sun.tools.javac.util.SharedNameTable$NameImpl;").instances()).isEqualTo(1);
    assertThat(h.get("jdk.proxy1.$Proxy1").bytes()).isEqualTo(64);
    assertThat(h.get("dev.example.Greeting")).isEqualTo(new ClassHistogram.Entry("dev.example.Greeting", 500, 16000));
    assertThat(h.classNames()).hasSize(16).noneMatch(n -> n.contains("(") || n.contains(" "));
    // The Total line counts the rows the fixture trimmed away too.
    assertThat(h.totalInstances()).isEqualTo(84115);
    assertThat(h.totalBytes()).isEqualTo(4016200);
    assertThat(h.topByBytes(2)).extracting(ClassHistogram.Entry::name).containsExactly("[B", "java.lang.Class");
  }

  @Test
  void ignoresUnknownLinesAndSumsRowsWithoutTotal() {
    ClassHistogram h = ClassHistogram.parse(
        "12345:\nsomething new\n 1:  10  160  a.B\n 2: 5 80 [I (java.base@17.0.15)\n---\n 3: x 1 bad.Row\n", 0);
    assertThat(h.classNames()).containsExactlyInAnyOrder("a.B", "[I");
    assertThat(h.totalInstances()).isEqualTo(15);
    assertThat(h.totalBytes()).isEqualTo(240);
    assertThat(ClassHistogram.parse("", 0).classNames()).isEmpty();
  }

  @Test
  void toJsonListsTopClassesWithTotals() throws IOException {
    JsonObject json = ClassHistogram.parse(fixture(), 99L).toJson(3);
    assertThat(json.getLong("takenAt")).isEqualTo(99L);
    assertThat(json.getLong("totalBytes")).isEqualTo(4016200);
    assertThat(json.getLong("totalInstances")).isEqualTo(84115);
    assertThat(json.getInteger("classCount")).isEqualTo(16);
    assertThat(json.getJsonArray("classes")).hasSize(3);
    assertThat(json.getJsonArray("classes").getJsonObject(2).getString("name")).isEqualTo("java.lang.String");
    assertThatThrownBy(() -> ClassHistogram.parse("", 0).toJson(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void diffOrdersByByteGrowthThenNameAndCountsNewClassesFully() {
    ClassHistogram before = of(100, "10 1000 a.Steady", "5 500 b.Grows", "4 400 c.Gone", "1 10 d.Shrinks");
    ClassHistogram after = of(200, "10 1000 a.Steady", "9 900 b.Grows", "2 400 e.New", "1 400 f.Tie", "1 5 d.Shrinks");
    HistogramDiff diff = after.diff(before);

    assertThat(diff.topByBytes(10)).containsExactly(
        new HistogramDiff.Growth("b.Grows", 9, 900, 4, 400),
        new HistogramDiff.Growth("e.New", 2, 400, 2, 400),
        new HistogramDiff.Growth("f.Tie", 1, 400, 1, 400));
    assertThat(diff.topByBytes(1)).extracting(HistogramDiff.Growth::name).containsExactly("b.Grows");
    assertThat(diff.get("c.Gone")).isEqualTo(new HistogramDiff.Growth("c.Gone", 0, 0, -4, -400));
    assertThat(diff.get("d.Shrinks").bytesGrowth()).isEqualTo(-5);
    assertThat(diff.get("a.Steady").bytesGrowth()).isZero();
    assertThat(diff.all()).hasSize(6);

    JsonObject json = diff.toJson(2);
    assertThat(json.getLong("since")).isEqualTo(100L);
    assertThat(json.getLong("takenAt")).isEqualTo(200L);
    assertThat(json.getJsonArray("classes").getJsonObject(1)).isEqualTo(new JsonObject()
        .put("name", "e.New").put("instances", 2L).put("bytes", 400L)
        .put("instancesGrowth", 2L).put("bytesGrowth", 400L));
  }

  @Test
  void takesTheLiveHistogramOfThisJvm(Vertx vertx) {
    ClassHistogram h = ClassHistogram.take(vertx).await();
    assertThat(h.totalInstances()).isPositive();
    assertThat(h.totalBytes()).isPositive();
    assertThat(h.get("java.lang.String").instances()).isPositive();
    assertThat(h.takenAtMillis()).isPositive();
  }

  @Test
  void aClassHeldBetweenTwoTakesTopsTheDiff(Vertx vertx) {
    ClassHistogram baseline = ClassHistogram.take(vertx).await();
    try {
      for (int i = 0; i < 200_000; i++) {
        held.add(new Leaked());
      }
      HistogramDiff diff = ClassHistogram.take(vertx).await().diff(baseline);
      HistogramDiff.Growth top = diff.topByBytes(3).get(0);
      assertThat(top.name()).isEqualTo(Leaked.class.getName());
      assertThat(top.instancesGrowth()).isEqualTo(200_000);
      assertThat(top.bytesGrowth()).isGreaterThanOrEqualTo(200_000L * 40);
    } finally {
      held.clear();
      held.trimToSize();
    }
  }

  @Test
  void failsClearlyWithoutTheDiagnosticCommand(Vertx vertx) {
    Future<ClassHistogram> taken = ClassHistogram.take(vertx, MBeanServerFactory.newMBeanServer());
    Throwable failure = taken.toCompletionStage().handle((v, e) -> e).toCompletableFuture().join();
    assertThat(failure).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("com.sun.management:type=DiagnosticCommand")
        .hasMessageContaining("HotSpot");
  }
}
