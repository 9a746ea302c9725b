package dev.bulwark.leak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bulwark.leak.TrackedSignal.Unit;
import org.junit.jupiter.api.Test;

/** The heap floor: a full collection's reading is a point at once; after young ones only the troughs are. */
class HeapFloorTest {

  private static TrackedSignal drained(HeapFloor floor) {
    TrackedSignal signal = new TrackedSignal("heap", Unit.BYTES, 1, 0.8, 1_000_000_000_000L, 100);
    floor.drainInto(signal);
    return signal;
  }

  @Test
  void everyFullCollectionIsAPointEvenWhenTheFloorDoesNotMove() {
    HeapFloor floor = new HeapFloor(() -> 0);
    for (int i = 1; i <= 5; i++) {
      floor.afterGc(i, 1000, true);
    }
    assertThat(drained(floor).size()).isEqualTo(5);
    assertThat(floor.lastPointNanos()).isEqualTo(5);
  }

  @Test
  void youngCollectionsGivePointsOnlyAtTheirTroughs() {
    HeapFloor floor = new HeapFloor(() -> 0);
    long[] readings = {100, 200, 300, 150, 250, 350, 400, 120, 130};
    for (int i = 0; i < readings.length; i++) {
      floor.afterGc(i, readings[i], false);
    }
    TrackedSignal signal = drained(floor);
    assertThat(signal.size()).isEqualTo(2); // 150 (revealed by 250) and 120 (revealed by 130)
    assertThat(signal.last()).isEqualTo(120);
  }

  @Test
  void aFullCollectionIsNotCountedAgainAsATrough() {
    HeapFloor floor = new HeapFloor(() -> 0);
    floor.afterGc(1, 300, false);
    floor.afterGc(2, 100, true);
    floor.afterGc(3, 200, false);
    assertThat(drained(floor).size()).isEqualTo(1);
  }
}
