package dev.lattice.control.store;

import java.util.Map;
import java.util.Objects;

/** A service account: the name a workload's identity is derived from. */
public record ServiceAccount(
    String name, String namespace, Map<String, String> labels, Map<String, String> annotations)
    implements Resource {
  public ServiceAccount {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(namespace, "namespace");
    labels = Maps.sortedCopy(labels);
    annotations = Maps.sortedCopy(annotations);
  }

  public static ServiceAccount of(String namespace, String name) {
    return new ServiceAccount(name, namespace, Map.of(), Map.of());
  }

  @Override
  public ResourceRef ref() {
    return new ResourceRef(Kind.SERVICE_ACCOUNT, namespace, name);
  }
}
