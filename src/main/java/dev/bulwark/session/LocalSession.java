package dev.bulwark.session;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One session of the local store. It changes only inside the store's {@code compute} for its id, so a check and the
 * write it guards are one step even when several event loops serve the same session; reads go through the concurrent
 * map without that lock. It keeps its own weight, so the store re-weighs it after every change without a walk.
 */
final class LocalSession {

  /** Bytes a session costs besides its data: the object, its id, its map and the cache entry. */
  static final int SESSION_OVERHEAD = 256;
  /** Bytes each data entry costs besides its key and value: the map node and the arrays' headers. */
  static final int ENTRY_OVERHEAD = 64;

  private final Map<String, byte[]> data = new ConcurrentHashMap<>();
  private int visits;
  private long weight;

  LocalSession(String id) {
    weight = SESSION_OVERHEAD + id.length();
  }

  int visit() {
    return ++visits;
  }

  boolean hasRoomFor(String key, int maxKeys) {
    return data.size() < maxKeys || data.containsKey(key);
  }

  void put(String key, byte[] value) {
    byte[] old = data.put(key, value);
    weight += old == null ? entryWeight(key, value) : value.length - old.length;
  }

  byte[] get(String key) {
    return data.get(key);
  }

  void remove(String key) {
    byte[] old = data.remove(key);
    if (old != null) {
      weight -= entryWeight(key, old);
    }
  }

  /** The estimated bytes this session holds: values at their length, keys at two bytes a char, plus overheads. */
  long weight() {
    return weight;
  }

  static long entryWeight(String key, byte[] value) {
    return ENTRY_OVERHEAD + 2L * key.length() + value.length;
  }
}
