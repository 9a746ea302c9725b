package dev.bulwark.memory;

/** Where memory signals come from: the JVM and the OS in production, a synthetic source in tests. */
public interface SignalSource {

  /** Reads the signals now; called on the memory monitor's thread only. */
  MemorySignals read();

  /** Called after each garbage collection with the heap in use right after it. */
  default void afterGc(long heapAfterGc) {
  }
}
