package dev.lattice.control.destination;

import dev.lattice.control.store.Kind;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.PolicyResource;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.control.store.ResourceSink;
import dev.lattice.control.store.Service;
import dev.lattice.control.store.ServiceAccount;
import dev.lattice.control.store.Snapshot;
import dev.lattice.control.store.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps namespaces, workloads and services as the store reports them, and for each watched service
 * port publishes a new {@link EndpointView} whenever its endpoints change. Endpoints are computed, not
 * stored: a change to a workload, a service or a namespace's annotations re-evaluates the watched
 * ports of that namespace.
 */
public final class EndpointsIndex implements ResourceSink, DiscoverEndpoints {
  private static final Logger log = LoggerFactory.getLogger(EndpointsIndex.class);

  private final EndpointSelection selection;
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<ResourceRef, Workload> workloads = new HashMap<>();
  private final Map<ResourceRef, Service> services = new HashMap<>();
  private final Map<Key, Watched> watched = new HashMap<>();

  public EndpointsIndex(DestinationConfig config) {
    this.selection = new EndpointSelection(config);
  }

  // ---- DiscoverEndpoints

  @Override
  public synchronized Subscription watch(Target target, Consumer<EndpointView> listener)
      throws UnknownServiceException, InvalidDestinationException {
    Key key = resolve(target);
    Watched w = watched.computeIfAbsent(key, k -> new Watched(view(k)));
    w.listeners.add(listener);
    listener.accept(w.last);
    return () -> unwatch(key, listener);
  }

  /** The current view of {@code target}, for tests and diagnostics. */
  public synchronized EndpointView view(Target target)
      throws UnknownServiceException, InvalidDestinationException {
    return view(resolve(target));
  }

  /** How many listeners are watching, across all service ports: for tests and diagnostics. */
  public synchronized int listenerCount() {
    return watched.values().stream().mapToInt(w -> w.listeners.size()).sum();
  }

  // ---- ResourceSink

  @Override
  public synchronized void resync(Snapshot snapshot) {
    namespaces.clear();
    workloads.clear();
    services.clear();
    snapshot.resources().values().forEach(this::put);
    watched.keySet().forEach(this::publish);
  }

  @Override
  public synchronized void apply(Resource resource) {
    put(resource);
    changed(resource);
  }

  @Override
  public synchronized void delete(Resource resource) {
    switch (resource) {
      case Namespace ns -> namespaces.remove(ns.name());
      case Workload w -> workloads.remove(w.ref());
      case Service s -> services.remove(s.ref());
      case ServiceAccount sa -> {}
      case PolicyResource pr -> {}
    }
    changed(resource);
  }

  // ---- internals

  private void put(Resource resource) {
    switch (resource) {
      case Namespace ns -> namespaces.put(ns.name(), ns);
      case Workload w -> workloads.put(w.ref(), w);
      case Service s -> services.put(s.ref(), s);
      case ServiceAccount sa -> {}
      case PolicyResource pr -> {}
    }
  }

  private void changed(Resource resource) {
    String namespace =
        resource instanceof Namespace ns ? ns.name() : resource.ref().namespace();
    for (Key key : new ArrayList<>(watched.keySet())) {
      if (key.namespace.equals(namespace)) {
        publish(key);
      }
    }
  }

  private void publish(Key key) {
    Watched w = watched.get(key);
    EndpointView next = view(key);
    if (w == null || next.equals(w.last)) {
      return;
    }
    w.last = next;
    for (Consumer<EndpointView> listener : w.listeners) {
      try {
        listener.accept(next);
      } catch (RuntimeException e) {
        log.warn("endpoint listener for {} failed", key, e);
      }
    }
  }

  private EndpointView view(Key key) {
    Service service = services.get(ResourceRef.of(Kind.SERVICE, key.namespace, key.name));
    if (service == null) {
      return new EndpointView.NoService();
    }
    List<Workload> inNamespace =
        workloads.values().stream().filter(w -> w.namespace().equals(key.namespace)).toList();
    return selection.endpoints(service, key.port, inNamespace, namespaces);
  }

  private Key resolve(Target target) throws UnknownServiceException, InvalidDestinationException {
    return switch (target) {
      case Target.ServiceName n -> {
        if (!services.containsKey(ResourceRef.of(Kind.SERVICE, n.namespace(), n.name()))) {
          throw new UnknownServiceException(target);
        }
        yield new Key(n.namespace(), n.name(), n.port());
      }
      case Target.VirtualIp v -> {
        for (Service s : services.values()) {
          if (v.ip().equals(s.clusterIp())) {
            yield new Key(s.namespace(), s.name(), v.port());
          }
        }
        // Linkerd's words: clients treat this as "no discovery for this address".
        throw new InvalidDestinationException("IP queries not supported by Get API");
      }
    };
  }

  private synchronized void unwatch(Key key, Consumer<EndpointView> listener) {
    Watched w = watched.get(key);
    if (w != null && w.listeners.remove(listener) && w.listeners.isEmpty()) {
      watched.remove(key);
    }
  }

  private record Key(String namespace, String name, int port) {
    Key {
      Objects.requireNonNull(namespace);
      Objects.requireNonNull(name);
    }
  }

  private static final class Watched {
    final List<Consumer<EndpointView>> listeners = new CopyOnWriteArrayList<>();
    EndpointView last;

    Watched(EndpointView initial) {
      this.last = initial;
    }
  }
}
