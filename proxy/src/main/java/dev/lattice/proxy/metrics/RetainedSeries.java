package dev.lattice.proxy.metrics;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Groups of series, one group per label set, that are dropped once nothing has held them for
 * {@code retainIdle} (Linkerd's {@code LINKERD2_PROXY_METRICS_RETAIN_IDLE}, 10 minutes). Without
 * this, a workload that talks to ever new addresses grows its series, and the proxy's heap, for
 * as long as it runs.
 *
 * <p>A holder (a connection) {@linkplain #acquire acquires} the group for its labels when it starts
 * counting and {@linkplain #release releases} it when it stops. Series are only counted into
 * through a held group, so a group nobody holds cannot change: "idle" is "released longer ago
 * than {@code retainIdle}", and no counter needs a timestamp on the request path. This is what
 * Linkerd does with reference counts.
 *
 * <p>Acquiring an existing group is a map read and a compare-and-set. Creating a group and
 * retiring one take this object's lock, so a group made after another was retired never picks up
 * the retired group's series from a family before they are removed.
 */
public final class RetainedSeries<G extends RetainedSeries.Group> {
  private final Map<Labels, G> groups = new ConcurrentHashMap<>();
  private final Function<Labels, G> create;
  private final long retainIdleNanos;
  private final LongSupplier nanoClock;

  /**
   * @param create makes the group for a label set (resolving its series in their families)
   * @param nanoClock {@link System#nanoTime} in production; a hand-moved clock in tests
   */
  public RetainedSeries(Duration retainIdle, LongSupplier nanoClock, Function<Labels, G> create) {
    if (retainIdle.isNegative()) {
      throw new IllegalArgumentException("retainIdle: " + retainIdle + " (expected: >= 0)");
    }
    this.retainIdleNanos = retainIdle.toNanos();
    this.nanoClock = nanoClock;
    this.create = create;
  }

  /** The group for {@code labels}, held by the caller until it calls {@link #release}. */
  public G acquire(Labels labels) {
    G kept = acquireIfKept(labels);
    if (kept != null) {
      return kept;
    }
    synchronized (this) {
      G group = groups.get(labels);
      // Under the lock a group in the map is never retired (retiring removes it), so this only
      // fails to acquire when there is no group yet.
      if (group == null || !group.tryAcquire()) {
        group = create.apply(labels);
        group.holders.set(1);
        groups.put(labels, group);
      }
      return group;
    }
  }

  /** Like {@link #acquire}, but only a group that is kept now; {@code null} makes none. */
  public G acquireIfKept(Labels labels) {
    G group = groups.get(labels);
    if (group != null && group.tryAcquire()) {
      return group;
    }
    return null;
  }

  /** Ends one {@link #acquire}: the group may be dropped once idle for {@code retainIdle}. */
  public void release(G group) {
    // The time first: whoever sees the count reach zero must also see when it did.
    group.releasedAt = nanoClock.getAsLong();
    int left = group.holders.decrementAndGet();
    if (left < 0) {
      throw new IllegalStateException("released more often than acquired: " + group);
    }
  }

  /** Drops every group nobody has held for {@code retainIdle}; returns how many. */
  public synchronized int dropIdle() {
    long now = nanoClock.getAsLong();
    int dropped = 0;
    for (Iterator<G> it = groups.values().iterator(); it.hasNext(); ) {
      G group = it.next();
      if (group.tryRetire(now, retainIdleNanos)) {
        it.remove();
        group.forget();
        dropped++;
      }
    }
    return dropped;
  }

  /** Groups now kept (held or not yet idle long enough). */
  public int size() {
    return groups.size();
  }

  /** Series under one label set, counted into only while held. */
  public abstract static class Group {
    private static final int RETIRED = -1;
    final AtomicInteger holders = new AtomicInteger();
    volatile long releasedAt;

    boolean tryAcquire() {
      for (;;) {
        int now = holders.get();
        if (now == RETIRED) {
          return false;
        }
        if (holders.compareAndSet(now, now + 1)) {
          return true;
        }
      }
    }

    boolean tryRetire(long now, long retainIdleNanos) {
      long released = releasedAt;
      if (holders.get() != 0 || now - released < retainIdleNanos || !holders.compareAndSet(0, RETIRED)) {
        return false;
      }
      if (releasedAt != released) {
        // Acquired and released again between the reads and the swap: in use just now, keep it.
        // Nobody can acquire a retired group meanwhile (they wait for the lock the caller holds).
        holders.set(0);
        return false;
      }
      return true;
    }

    /** Removes this group's series from their families: called once, when the group is dropped. */
    protected abstract void forget();
  }
}
