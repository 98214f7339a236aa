package dev.lattice.policy;

import java.util.Objects;

/**
 * Names a server, route or authorization the way metrics label it: {@code group}, {@code kind} and
 * {@code name}. Defaults have group {@code ""} and kind {@code default}, e.g. {@code default:probe}.
 */
public record Meta(String group, String kind, String name) {
  public static final String POLICY_GROUP = "policy.linkerd.io";

  public Meta {
    Objects.requireNonNull(group, "group");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  /** A built-in: {@code default:<name>}. */
  public static Meta ofDefault(String name) {
    return new Meta("", "default", name);
  }

  public static Meta of(String group, String kind, String name) {
    return new Meta(group, kind, name);
  }

  public boolean isDefault() {
    return kind.equals("default") && group.isEmpty();
  }

  /** {@code kind/name}, as the spec's metric notation writes it. */
  @Override
  public String toString() {
    return kind + "/" + name;
  }
}
