package dev.lattice.control.store;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** An immutable, ordered view of every resource at one moment. */
public record Snapshot(SortedMap<ResourceRef, Resource> resources) {
  public static final Snapshot EMPTY = new Snapshot(new TreeMap<>());

  public Snapshot {
    resources = Collections.unmodifiableSortedMap(new TreeMap<>(resources));
  }

  public static Snapshot of(Iterable<? extends Resource> resources) {
    SortedMap<ResourceRef, Resource> map = new TreeMap<>();
    resources.forEach(r -> map.put(r.ref(), r));
    return new Snapshot(map);
  }

  public Optional<Resource> get(ResourceRef ref) {
    return Optional.ofNullable(resources.get(ref));
  }

  public List<Namespace> namespaces() {
    return all(Namespace.class);
  }

  public List<ServiceAccount> serviceAccounts() {
    return all(ServiceAccount.class);
  }

  public List<Workload> workloads() {
    return all(Workload.class);
  }

  public List<Service> services() {
    return all(Service.class);
  }

  public int size() {
    return resources.size();
  }

  private <T extends Resource> List<T> all(Class<T> type) {
    return resources.values().stream().filter(type::isInstance).map(type::cast).toList();
  }

  Map<ResourceRef, Resource> asMap() {
    return resources;
  }
}
