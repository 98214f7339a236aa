package dev.lattice.control.policy;

import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Network;
import java.util.List;
import java.util.Objects;

/**
 * Install-time settings the policy controller reads: the cluster default policy, cluster and probe
 * networks, trust domain and control-plane namespace (identities are {@code
 * <sa>.<ns>.serviceaccount.identity.<controlPlaneNamespace>.<trustDomain>}).
 */
public record PolicyConfig(DefaultPolicy clusterDefault, List<Network> clusterNetworks, List<Network> probeNetworks,
    String trustDomain, String controlPlaneNamespace) {
  /** The proxy's admin port, whose own {@code /live} and {@code /ready} probes are always declared. */
  public static final int ADMIN_PORT = 4191;

  public PolicyConfig {
    Objects.requireNonNull(clusterDefault, "clusterDefault");
    clusterNetworks = List.copyOf(clusterNetworks);
    probeNetworks = List.copyOf(probeNetworks);
    if (clusterDefault.needsClusterNetworks() && clusterNetworks.isEmpty()) {
      throw new IllegalArgumentException(
          "default policy " + clusterDefault + " needs cluster networks, and none are configured");
    }
  }

  /** Linkerd's install defaults: {@code all-unauthenticated}, the chart's cluster networks, probes from anywhere. */
  public static PolicyConfig defaults() {
    return new PolicyConfig(DefaultPolicy.ALL_UNAUTHENTICATED, Network.defaultClusterNetworks(), Network.ALL,
        "cluster.local", "linkerd");
  }

  public PolicyConfig withClusterDefault(DefaultPolicy policy) {
    return new PolicyConfig(policy, clusterNetworks, probeNetworks, trustDomain, controlPlaneNamespace);
  }

  public PolicyConfig withClusterNetworks(List<Network> networks) {
    return new PolicyConfig(clusterDefault, networks, probeNetworks, trustDomain, controlPlaneNamespace);
  }

  /** The mesh identity of service account {@code name} in {@code namespace}. */
  public String identity(String name, String namespace) {
    return name + "." + namespace + ".serviceaccount.identity." + controlPlaneNamespace + "." + trustDomain;
  }
}
