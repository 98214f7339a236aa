package dev.lattice.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The six default inbound policies ({@code config.linkerd.io/default-inbound-policy}, {@code
 * Server.spec.accessPolicy}). Each is at most one authorization, named {@code default:<value>}.
 */
public enum DefaultPolicy {
  ALL_UNAUTHENTICATED("all-unauthenticated", false, false),
  ALL_AUTHENTICATED("all-authenticated", true, false),
  CLUSTER_AUTHENTICATED("cluster-authenticated", true, true),
  CLUSTER_UNAUTHENTICATED("cluster-unauthenticated", false, true),
  DENY("deny", false, false),
  AUDIT("audit", false, false);

  private final String value;
  private final boolean authenticated;
  private final boolean clusterOnly;

  DefaultPolicy(String value, boolean authenticated, boolean clusterOnly) {
    this.value = value;
    this.authenticated = authenticated;
    this.clusterOnly = clusterOnly;
  }

  /** The exact, case-sensitive spelling. */
  public String value() {
    return value;
  }

  /** Exactly one of the six spellings, or empty (e.g. for {@code all_authenticated}). */
  public static Optional<DefaultPolicy> parse(String value) {
    return Arrays.stream(values()).filter(p -> p.value.equals(value)).findFirst();
  }

  /** All six spellings, comma-separated, for error messages. */
  public static String spellings() {
    return String.join(", ", Arrays.stream(values()).map(DefaultPolicy::value).toList());
  }

  /**
   * What {@code proxy-require-identity-inbound-ports} turns this into: the {@code -authenticated}
   * form of an unauthenticated allow; {@code deny} and {@code audit} stay.
   */
  public DefaultPolicy authenticatedVariant() {
    return switch (this) {
      case ALL_UNAUTHENTICATED -> ALL_AUTHENTICATED;
      case CLUSTER_UNAUTHENTICATED -> CLUSTER_AUTHENTICATED;
      default -> this;
    };
  }

  /** The authorization this policy stands for, or empty for {@code deny}. */
  public Optional<Authorization> authorization(List<Network> clusterNetworks) {
    if (this == DENY) {
      return Optional.empty();
    }
    Authentication authn = authenticated
        ? new Authentication.Identities(java.util.Set.of(), List.of(""))
        : new Authentication.Unauthenticated();
    return Optional.of(new Authorization(Meta.ofDefault(value), clusterOnly ? clusterNetworks : Network.ALL, authn));
  }

  public boolean needsClusterNetworks() {
    return clusterOnly;
  }

  @Override
  public String toString() {
    return value;
  }
}
