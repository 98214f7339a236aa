package dev.lattice.control.store;

import java.util.Comparator;
import java.util.Objects;

/**
 * Names one object: kind, namespace ({@code ""} for cluster-scoped kinds) and name. Renders as
 * {@code Kind/name}, the form errors use.
 */
public record ResourceRef(Kind kind, String namespace, String name) implements Comparable<ResourceRef> {
  private static final Comparator<ResourceRef> ORDER =
      Comparator.comparing(ResourceRef::kind)
          .thenComparing(ResourceRef::namespace)
          .thenComparing(ResourceRef::name);

  public ResourceRef {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(name, "name");
    if (kind.namespaced() == namespace.isEmpty()) {
      throw new IllegalArgumentException(
          kind.manifestKind() + "/" + name + ": namespace '" + namespace + "' (expected: "
              + (kind.namespaced() ? "non-empty" : "empty, the kind is cluster-scoped") + ")");
    }
  }

  public static ResourceRef namespace(String name) {
    return new ResourceRef(Kind.NAMESPACE, "", name);
  }

  public static ResourceRef of(Kind kind, String namespace, String name) {
    return new ResourceRef(kind, kind.namespaced() ? namespace : "", name);
  }

  @Override
  public int compareTo(ResourceRef other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return kind.manifestKind() + "/" + name;
  }

  /** {@code Kind/name} plus the namespace, for messages where several namespaces mix. */
  public String qualified() {
    return kind.namespaced() ? toString() + " in namespace " + namespace : toString();
  }
}
