package dev.lattice.control.store;

import java.util.Map;
import java.util.Objects;

/** A namespace; its annotations (e.g. opaque ports) are defaults for the workloads inside it. */
public record Namespace(String name, Map<String, String> labels, Map<String, String> annotations)
    implements Resource {
  public Namespace {
    Objects.requireNonNull(name, "name");
    labels = Maps.sortedCopy(labels);
    annotations = Maps.sortedCopy(annotations);
  }

  public static Namespace of(String name) {
    return new Namespace(name, Map.of(), Map.of());
  }

  @Override
  public ResourceRef ref() {
    return ResourceRef.namespace(name);
  }
}
