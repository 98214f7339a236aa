package dev.lattice.proxy.http;

import io.netty.util.collection.LongObjectHashMap;
import java.util.function.LongFunction;

/**
 * A map that request paths read once per request without boxing the key or locking: readers see
 * an immutable snapshot through one volatile read, and the rare writer (a new port, a new status)
 * publishes a copy. Values are made by the map's own factory, so a lookup builds no function
 * object either. A {@code ConcurrentHashMap<Long, V>} boxed every key above 127 on every lookup,
 * and its {@code computeIfAbsent} took a capturing lambda each time.
 */
public final class LongKeyedMap<V> {
  private final LongFunction<? extends V> create;
  private volatile LongObjectHashMap<V> snapshot = new LongObjectHashMap<>();

  /** A map whose value for a key, on first lookup, is {@code create.apply(key)}. */
  public LongKeyedMap(LongFunction<? extends V> create) {
    this.create = create;
  }

  /** The value for {@code key}, made (once per key, under this map's lock) if there is none yet. */
  public V get(long key) {
    V value = snapshot.get(key);
    return value != null ? value : createIfAbsent(key);
  }

  private synchronized V createIfAbsent(long key) {
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
