package dev.lattice.proxy.outbound;

import io.netty.channel.Channel;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Upstreams (a peer's HTTP/2 connection, a destination's pools) shared by the client connections
 * that use them, and closed once none has used them for {@code idleTimeout} — Linkerd's outbound
 * discovery idle timeout (5 s by default). Without it every address a workload ever called kept
 * its entry, and a meshed peer its connection, for the proxy's whole life: with pod churn that is
 * an unbounded map of stale destinations.
 *
 * <p>Counting and eviction happen inside the map's per-key atomic updates, so a client that
 * arrives while an eviction is due either keeps the entry alive or gets a fresh one — never a
 * closed one.
 *
 * <p>An entry has at most one eviction check pending. A check that finds it idle for less than
 * the timeout (a client came and went meanwhile) looks again when the rest has passed. One check
 * per released client instead held a task, its key and its labels for the whole timeout: clients
 * that open a connection per request (HTTP/1 with {@code Connection: close}) queued thousands of
 * them a second, and a sidecar-sized heap ran out.
 */
final class SharedUpstreams<K, V> {
  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final Function<K, V> open;
  private final Consumer<V> close;
  private final Duration idleTimeout;
  private final BiConsumer<Runnable, Duration> later;
  private final LongSupplier nanoTime;

  /**
   * @param later runs a task after a delay (an event loop group's {@code schedule})
   */
  SharedUpstreams(Function<K, V> open, Consumer<V> close, Duration idleTimeout, BiConsumer<Runnable, Duration> later) {
    this(open, close, idleTimeout, later, System::nanoTime);
  }

  /** With the clock that measures idleness ({@code System.nanoTime} but in tests). */
  SharedUpstreams(Function<K, V> open, Consumer<V> close, Duration idleTimeout,
      BiConsumer<Runnable, Duration> later, LongSupplier nanoTime) {
    this.open = open;
    this.close = close;
    this.idleTimeout = idleTimeout;
    this.later = later;
    this.nanoTime = nanoTime;
  }

  /** One client's use of the upstream for {@code key}: opened if needed, kept until released. */
  Lease<K, V> acquire(K key) {
    Entry<V> entry = entries.compute(key, (k, current) -> {
      Entry<V> e = current != null ? current : new Entry<>(open.apply(k));
      e.users++;
      return e;
    });
    return new Lease<>(this, key, entry);
  }

  /** The upstream for {@code key}, held for as long as {@code client} is open. */
  V heldBy(Channel client, K key) {
    Lease<K, V> lease = acquire(key);
    client.closeFuture().addListener(f -> lease.release());
    return lease.value();
  }

  /** How many upstreams are kept (for tests and diagnostics). */
  int size() {
    return entries.size();
  }

  /** Closes everything, used or not (proxy shutdown). */
  void closeAll() {
    entries.values().forEach(e -> close.accept(e.value));
    entries.clear();
  }

  private void release(K key, Entry<V> entry) {
    boolean[] check = {false};
    entries.computeIfPresent(key, (k, current) -> {
      if (current == entry && --current.users == 0) {
        current.idleSince = nanoTime.getAsLong();
        check[0] = !current.checkPending;
        current.checkPending = true;
      }
      return current;
    });
    if (check[0]) {
      later.accept(() -> evictIfIdle(key, entry), idleTimeout);
    }
  }

  private void evictIfIdle(K key, Entry<V> entry) {
    boolean[] evicted = {false};
    long[] lookAgainIn = {-1};
    entries.computeIfPresent(key, (k, current) -> {
      if (current != entry) {
        return current;
      }
      if (current.users > 0) {
        current.checkPending = false; // its last release schedules the next check
        return current;
      }
      long idleFor = nanoTime.getAsLong() - current.idleSince;
      if (idleFor >= idleTimeout.toNanos()) {
        evicted[0] = true;
        return null;
      }
      lookAgainIn[0] = idleTimeout.toNanos() - idleFor;
      return current;
    });
    if (evicted[0]) {
      close.accept(entry.value); // outside the map's lock: closing may take the upstream's own
    } else if (lookAgainIn[0] >= 0) {
      later.accept(() -> evictIfIdle(key, entry), Duration.ofNanos(lookAgainIn[0]));
    }
  }

  /** Mutated only inside the map's atomic per-key updates. */
  private static final class Entry<V> {
    final V value;
    int users;
    long idleSince;
    boolean checkPending;

    Entry(V value) {
      this.value = value;
    }
  }

  /** A client's hold on an upstream; releasing twice counts once. */
  static final class Lease<K, V> {
    private final SharedUpstreams<K, V> owner;
    private final K key;
    private final Entry<V> entry;
    private final AtomicBoolean released = new AtomicBoolean();

    private Lease(SharedUpstreams<K, V> owner, K key, Entry<V> entry) {
      this.owner = owner;
      this.key = key;
      this.entry = entry;
    }

    V value() {
      return entry.value;
    }

    void release() {
      if (released.compareAndSet(false, true)) {
        owner.release(key, entry);
      }
    }
  }
}
