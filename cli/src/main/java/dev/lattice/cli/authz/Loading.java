package dev.lattice.cli.authz;

import dev.lattice.cli.CliException;
import dev.lattice.control.policy.ManifestPolicies;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.store.InvalidResourceException;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Network;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The options {@code authz}, {@code authz explain} and {@code check --policy} share: the install
 * settings, and loading manifests.
 */
public final class Loading {
  private Loading() {}

  public static PolicyConfig config(String defaultPolicy, String clusterNetworks) {
    PolicyConfig config = PolicyConfig.defaults();
    if (clusterNetworks != null) {
      try {
        List<Network> networks = Network.parseList(clusterNetworks);
        config = config.withClusterNetworks(networks);
      } catch (IllegalArgumentException e) {
        throw new CliException("--cluster-networks: " + e.getMessage());
      }
    }
    if (defaultPolicy != null) {
      DefaultPolicy p = DefaultPolicy.parse(defaultPolicy).orElseThrow(() -> new CliException(
          "--default-policy must be one of: " + DefaultPolicy.spellings() + " (got " + defaultPolicy + ")"));
      try {
        config = config.withClusterDefault(p);
      } catch (IllegalArgumentException e) {
        throw new CliException("--default-policy: " + e.getMessage());
      }
    }
    return config;
  }

  static ManifestPolicies load(List<Path> files, boolean recursive, PolicyConfig config) {
    try {
      return ManifestPolicies.load(ManifestFiles.expand(files, recursive), config);
    } catch (InvalidResourceException e) {
      throw new CliException("the manifests are invalid (run lattice validate):\n  "
          + String.join("\n  ", e.problems()));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
  }
}
