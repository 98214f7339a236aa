package dev.lattice.local.proxyinit;

import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.Executables;
import dev.lattice.local.netns.NetworkNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Installs and removes {@link ProxyInitRules} inside one network namespace, for IPv4 and (unless
 * disabled) IPv6. Each install first reads {@code iptables-save -t nat} so that a second run flushes
 * and refills the chains instead of duplicating them, exactly as proxy-init does.
 */
public final class ProxyInitApplier {
  private final CommandRunner runner;
  private final NetworkNamespace namespace;
  private final IptablesFlavour flavour;
  private final Function<String, Optional<Path>> which;
  private final Map<IpFamily, IptablesBinaries> binaries = new EnumMap<>(IpFamily.class);

  private ProxyInitApplier(CommandRunner runner, NetworkNamespace namespace, IptablesFlavour flavour,
      Function<String, Optional<Path>> which) {
    this.runner = runner;
    this.namespace = namespace;
    this.flavour = flavour;
    this.which = which;
  }

  /** An applier for {@code namespace} using the nft flavour (Linkerd's default), found on PATH. */
  public static ProxyInitApplier inNamespace(CommandRunner runner, NetworkNamespace namespace) {
    return inNamespace(runner, namespace, IptablesFlavour.NFT, Executables::find);
  }

  public static ProxyInitApplier inNamespace(CommandRunner runner, NetworkNamespace namespace,
      IptablesFlavour flavour, Function<String, Optional<Path>> which) {
    return new ProxyInitApplier(runner, namespace, flavour, which);
  }

  /** Installs the rules for every family in {@code config}; returns the commands run, in order. */
  public List<IptablesCommand> install(ProxyInitConfig config) {
    List<IptablesCommand> ran = new ArrayList<>();
    for (IpFamily family : config.families()) {
      IptablesBinaries bin = binaries(family);
      String save = runner.runChecked(namespace.exec(List.of(bin.save().toString(), "-t", "nat"))).stdout();
      for (IptablesCommand command : ProxyInitRules.install(config, family, NatTableState.parseSave(save))) {
        runner.runChecked(namespace.exec(command.argv(bin.iptables().toString())));
        ran.add(command);
      }
    }
    return List.copyOf(ran);
  }

  /** Removes what {@link #install} added, for every family in {@code config}. */
  public void remove(ProxyInitConfig config) {
    for (IpFamily family : config.families()) {
      String iptables = binaries(family).iptables().toString();
      for (IptablesCommand command : ProxyInitRules.remove()) {
        runner.runChecked(namespace.exec(command.argv(iptables)));
      }
    }
  }

  /** {@code iptables -t nat -S} in the namespace, one rule per line: what an operator would inspect. */
  public List<String> natRules(IpFamily family) {
    String iptables = binaries(family).iptables().toString();
    return runner.runChecked(namespace.exec(List.of(iptables, "-t", "nat", "-S"))).lines();
  }

  /** The binaries used for {@code family}, resolved on first use. */
  public IptablesBinaries binaries(IpFamily family) {
    return binaries.computeIfAbsent(family, f -> IptablesBinaries.resolve(f, flavour, which));
  }

  public NetworkNamespace namespace() {
    return namespace;
  }
}
