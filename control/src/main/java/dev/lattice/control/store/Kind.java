package dev.lattice.control.store;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of resource the store holds, with the names they have in manifests. */
public enum Kind {
  NAMESPACE("Namespace", "namespaces", false),
  SERVICE_ACCOUNT("ServiceAccount", "serviceaccounts", true),
  WORKLOAD("Pod", "pods", true),
  SERVICE("Service", "services", true);

  private final String manifestKind;
  private final String plural;
  private final boolean namespaced;

  Kind(String manifestKind, String plural, boolean namespaced) {
    this.manifestKind = manifestKind;
    this.plural = plural;
    this.namespaced = namespaced;
  }

  /** The {@code kind:} a manifest uses, e.g. {@code Pod} for a workload. */
  public String manifestKind() {
    return manifestKind;
  }

  /** Lower-case plural, as kubectl and the local state directory name it. */
  public String plural() {
    return plural;
  }

  public boolean namespaced() {
    return namespaced;
  }

  /** The kind for a manifest's {@code kind:} value (case-sensitive, like the API server). */
  public static Optional<Kind> ofManifestKind(String kind) {
    return Arrays.stream(values()).filter(k -> k.manifestKind.equals(kind)).findFirst();
  }
}
