package dev.lattice.control.store;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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

  /**
   * What a workload created here now takes from this namespace: its {@link
   * MeshKeys#INHERITED_AT_CREATION} annotations.
   */
  public Map<String, String> inheritedByNewWorkloads() {
    Map<String, String> out = new TreeMap<>();
    for (String key : MeshKeys.INHERITED_AT_CREATION) {
      String value = annotations.get(key);
      if (value != null) {
        out.put(key, value);
      }
    }
    return out;
  }
}
