package dev.lattice.control.policy.api;

import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceSink;
import dev.lattice.control.store.Snapshot;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.PortPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PolicyIndex} that can be watched: feed it from {@code Store.watch} instead of the index.
 * After every change it recomputes each watched workload port and tells that port's listeners when
 * the policy differs from the last one they got; unchanged ports stay silent.
 *
 * <p>Every watched port is recomputed on every change, whatever namespace changed: an authorization
 * may name an authentication in another namespace, so narrowing by namespace could miss a
 * revocation. Computing a port's policy is cheap next to a store change; narrow this when it is not.
 *
 * <p>While a watched workload is gone, its listeners hear nothing and keep the last policy; when it
 * comes back, they get its policy again if it differs.
 */
public final class PolicyWatches implements ResourceSink, DiscoverInboundServer {
  private static final Logger log = LoggerFactory.getLogger(PolicyWatches.class);

  private final PolicyIndex index;
  private final Map<Key, Watched> watched = new HashMap<>();

  public PolicyWatches(PolicyIndex index) {
    this.index = index;
  }

  public PolicyIndex index() {
    return index;
  }

  // ---- DiscoverInboundServer

  @Override
  public PortPolicy get(WorkloadRef workload, int port) throws UnknownWorkloadException {
    return compute(workload, port).orElseThrow(() -> new UnknownWorkloadException(workload));
  }

  @Override
  public synchronized Subscription watch(WorkloadRef workload, int port, Consumer<PortPolicy> listener)
      throws UnknownWorkloadException {
    Key key = new Key(workload, port);
    Watched w = watched.get(key);
    if (w == null) {
      w = new Watched(get(workload, port));
      watched.put(key, w);
    }
    w.listeners.add(listener);
    listener.accept(w.last);
    return () -> unwatch(key, listener);
  }

  /** How many listeners are watching, across all ports: for tests and diagnostics. */
  public synchronized int listenerCount() {
    return watched.values().stream().mapToInt(w -> w.listeners.size()).sum();
  }

  // ---- ResourceSink

  @Override
  public synchronized void resync(Snapshot snapshot) {
    index.resync(snapshot);
    publishAll();
  }

  @Override
  public synchronized void apply(Resource resource) {
    index.apply(resource);
    publishAll();
  }

  @Override
  public synchronized void delete(Resource resource) {
    index.delete(resource);
    publishAll();
  }

  // ---- internals

  private Optional<PortPolicy> compute(WorkloadRef workload, int port) {
    Optional<Workload> w = index.workload(workload.namespace(), workload.pod());
    return w.map(found -> index.portPolicy(found, port).policy());
  }

  private void publishAll() {
    for (Map.Entry<Key, Watched> e : new ArrayList<>(watched.entrySet())) {
      Optional<PortPolicy> next = compute(e.getKey().workload, e.getKey().port);
      Watched w = e.getValue();
      if (next.isEmpty() || next.get().equals(w.last)) {
        continue;
      }
      w.last = next.get();
      for (Consumer<PortPolicy> listener : w.listeners) {
        try {
          listener.accept(w.last);
        } catch (RuntimeException ex) {
          log.warn("policy listener for {} port {} failed", e.getKey().workload, e.getKey().port, ex);
        }
      }
    }
  }

  private synchronized void unwatch(Key key, Consumer<PortPolicy> listener) {
    Watched w = watched.get(key);
    if (w != null && w.listeners.remove(listener) && w.listeners.isEmpty()) {
      watched.remove(key);
    }
  }

  private record Key(WorkloadRef workload, int port) {}

  private static final class Watched {
    final List<Consumer<PortPolicy>> listeners = new CopyOnWriteArrayList<>();
    PortPolicy last;

    Watched(PortPolicy first) {
      this.last = first;
    }
  }
}
