package dev.lattice.control.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
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
