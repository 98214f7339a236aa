package dev.lattice.control.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current resources and the sinks watching them. Every change and every event happens under one
 * lock, so sinks see changes one at a time and in order, and a new sink's resync cannot interleave
 * with a change.
 */
final class StoreState {
  private static final Logger log = LoggerFactory.getLogger(StoreState.class);

  private final ReentrantLock lock = new ReentrantLock();
  private final List<ResourceSink> sinks = new CopyOnWriteArrayList<>();
  private SortedMap<ResourceRef, Resource> current = new TreeMap<>();

  Snapshot snapshot() {
    return locked(() -> new Snapshot(current));
  }

  Resource get(ResourceRef ref) {
    return locked(() -> current.get(ref));
  }

  Store.Watch watch(ResourceSink sink) {
    Objects.requireNonNull(sink, "sink");
    lock.lock();
    try {
      sinks.add(sink);
      deliver(sink, s -> s.resync(new Snapshot(current)));
    } finally {
      lock.unlock();
    }
    return () -> sinks.remove(sink);
  }

  <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  Change put(Resource resource) {
    return locked(
        () -> {
          Resource previous = current.put(resource.ref(), resource);
          if (resource.equals(previous)) {
            return new Change(resource.ref(), Change.Action.UNCHANGED);
          }
          sinks.forEach(s -> deliver(s, sink -> sink.apply(resource)));
          return new Change(
              resource.ref(), previous == null ? Change.Action.CREATED : Change.Action.CONFIGURED);
        });
  }

  Change remove(ResourceRef ref) {
    return locked(
        () -> {
          Resource previous = current.remove(ref);
          if (previous == null) {
            return new Change(ref, Change.Action.NOT_FOUND);
          }
          sinks.forEach(s -> deliver(s, sink -> sink.delete(previous)));
          return new Change(ref, Change.Action.DELETED);
        });
  }

  /**
   * Applies {@code batch}, each resource {@linkplain #admit admitted} and handed to {@code action} (which
   * stores it), namespaces first: a workload created in the same batch inherits from its namespace as
   * the batch leaves it, as when the namespace is created before its pods. Changes come back in the
   * batch's order. Callers hold the lock.
   */
  List<Change> applyBatch(Collection<? extends Resource> batch, Function<Resource, Change> action) {
    List<Resource> in = List.copyOf(batch);
    Change[] changes = new Change[in.size()];
    for (boolean namespaces : new boolean[] {true, false}) {
      for (int i = 0; i < in.size(); i++) {
        if (in.get(i) instanceof Namespace == namespaces) {
          changes[i] = action.apply(admit(in.get(i)));
        }
      }
    }
    return List.of(changes);
  }

  /**
   * {@code incoming} as the store keeps it. A workload being created records what it inherits from its
   * namespace now (spec/policy.md §1.2); one being replaced keeps what it recorded at creation, whatever
   * the caller's record says, so only deleting and re-creating it picks up later namespace edits.
   */
  Resource admit(Resource incoming) {
    if (!(incoming instanceof Workload w)) {
      return incoming;
    }
    if (current.get(w.ref()) instanceof Workload previous) {
      return w.withInherited(previous.inherited());
    }
    return w.withInherited(current.get(ResourceRef.namespace(w.namespace())) instanceof Namespace ns
        ? ns.inheritedByNewWorkloads() : Map.of());
  }

  /** Moves to {@code next}, telling sinks about each difference as an apply or a delete. */
  void replaceAll(Map<ResourceRef, Resource> next) {
    lock.lock();
    try {
      for (ResourceRef ref : new ArrayList<>(current.keySet())) {
        if (!next.containsKey(ref)) {
          remove(ref);
        }
      }
      next.values().forEach(this::put);
    } finally {
      lock.unlock();
    }
  }

  /** A failing sink is logged and skipped so it cannot stop the others or the store. */
  private static void deliver(ResourceSink sink, java.util.function.Consumer<ResourceSink> event) {
    try {
      event.accept(sink);
    } catch (RuntimeException e) {
      log.warn("resource sink {} failed; it may be out of date", sink, e);
    }
  }
}
