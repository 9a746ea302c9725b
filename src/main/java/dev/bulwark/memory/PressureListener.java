package dev.bulwark.memory;

/**
 * Told when the pressure level changes, so a component can give memory back (a cache shrinking toward a fraction of
 * its budget at ELEVATED, say). Called on the memory monitor's thread: be quick, never block, be thread-safe. A
 * listener that throws is logged and the others are still told.
 */
@FunctionalInterface
public interface PressureListener {

  void onPressure(PressureLevel level, MemorySignals signals);
}
