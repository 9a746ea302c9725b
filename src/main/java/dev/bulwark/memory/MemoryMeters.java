package dev.bulwark.memory;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/** The memory-pressure meters: level, signal fractions, level entries, and shed requests (byte budgets are MemoryBudget's). */
public final class MemoryMeters {

  private MemoryMeters() {
  }

  public static void bind(MeterRegistry registry, MemoryMonitor monitor) {
    Gauge.builder("bulwark.memory.pressure.level", monitor, m -> m.level().ordinal())
        .description("Memory pressure: 0 NORMAL, 1 ELEVATED, 2 CRITICAL").register(registry);
    Gauge.builder("bulwark.memory.signal", monitor, m -> m.signals().heapFraction()).tag("signal", "heap_after_gc")
        .description("Memory signals as fractions of their limits").register(registry);
    Gauge.builder("bulwark.memory.signal", monitor, m -> m.signals().directFraction()).tag("signal", "direct")
        .description("Memory signals as fractions of their limits").register(registry);
    Gauge.builder("bulwark.memory.signal", monitor, m -> m.signals().rssFraction()).tag("signal", "rss_of_limit")
        .description("Memory signals as fractions of their limits").register(registry);
    for (PressureLevel level : PressureLevel.values()) {
      FunctionCounter.builder("bulwark.memory.pressure.entered", monitor, m -> m.entered(level))
          .tag("level", level.name().toLowerCase()).description("Times each pressure level was entered")
          .register(registry);
      for (MemoryMonitor.ShedReason reason : MemoryMonitor.ShedReason.values()) {
        FunctionCounter.builder("bulwark.shed", monitor, m -> m.shedCount(level, reason))
            .tag("level", level.name().toLowerCase()).tag("reason", reason.label())
            .description("Requests refused with 503 for memory's sake, by level and reason").register(registry);
      }
    }
  }
}
