package dev.lattice.proxy.http;

import io.netty.util.collection.LongObjectHashMap;
import java.util.function.LongFunction;

/**
 * A map that request paths read once per request without boxing the key or locking: readers see
 * an immutable snapshot through one volatile read, and the rare writer (a new port, a new status)
 * publishes a copy. A {@code ConcurrentHashMap<Long, V>} boxed every key above 127 on every
 * lookup, and its {@code computeIfAbsent} took a capturing lambda each time.
 */
public final class LongKeyedMap<V> {
  private volatile LongObjectHashMap<V> snapshot = new LongObjectHashMap<>();

  /** The value for {@code key}, or null. */
  public V get(long key) {
    return snapshot.get(key);
  }

  /**
   * The value for {@code key}, made with {@code create} (under this map's lock, once per key) if
   * there is none yet. Callers on a hot path call {@link #get} first, so that no {@code create}
   * function is built when the value exists.
   */
  public synchronized V computeIfAbsent(long key, LongFunction<? extends V> create) {
    LongObjectHashMap<V> current = snapshot;
    V value = current.get(key);
    if (value != null) {
      return value;
    }
    value = create.apply(key);
    LongObjectHashMap<V> next = new LongObjectHashMap<>(Math.max(8, current.size() * 2 + 2));
    next.putAll(current);
    next.put(key, value);
    snapshot = next;
    return value;
  }

  /** The values now in the map. */
  public Iterable<V> values() {
    return snapshot.values();
  }
}
