package dev.lattice.local.proxyinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.local.exec.CommandFailedException;
import dev.lattice.local.exec.CommandResult;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.netns.NetworkNamespace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The applier's sequencing, with a scripted runner; the real thing runs in NamespacedProxyInitTest. */
class ProxyInitApplierTest {
  private final NetworkNamespace ns = new NetworkNamespace("pod-a");
  private final List<List<String>> ran = new ArrayList<>();

  private ProxyInitApplier applier(String saveOutput) {
    CommandRunner runner = argv -> {
      ran.add(argv);
      return CommandResult.ok(argv, argv.get(4).endsWith("-save") ? saveOutput : "");
    };
    return ProxyInitApplier.inNamespace(runner, ns, IptablesFlavour.NFT, n -> Optional.of(Path.of("/sbin", n)));
  }

  @Test
  void readsTheTableThenRunsEveryCommandInsideTheNamespacePerFamily() {
    List<IptablesCommand> commands = applier("*nat\nCOMMIT\n").install(ProxyInitConfig.defaults());

    assertThat(commands).hasSize(20);
    assertThat(ran).allSatisfy(argv -> assertThat(argv.subList(1, 4)).containsExactly("netns", "exec", "pod-a"));
    assertThat(ran.get(0).subList(4, ran.get(0).size())).containsExactly("/sbin/iptables-nft-save", "-t", "nat");
    assertThat(ran.get(1).subList(4, ran.get(1).size()))
        .containsExactly("/sbin/iptables-nft", "-t", "nat", "-N", "PROXY_INIT_REDIRECT");
    assertThat(ran.get(11).subList(4, ran.get(11).size())).containsExactly("/sbin/ip6tables-nft-save", "-t", "nat");
    assertThat(ran).hasSize(22);
  }

  @Test
  void aSecondInstallFlushesInsteadOfDuplicating() {
    String save = ":PROXY_INIT_REDIRECT - [0:0]\n:PROXY_INIT_OUTPUT - [0:0]\n"
        + "-A PREROUTING -m comment --comment \"proxy-init/install-proxy-init-prerouting\" -j PROXY_INIT_REDIRECT\n"
        + "-A OUTPUT -m comment --comment \"proxy-init/install-proxy-init-output\" -j PROXY_INIT_OUTPUT\n";

    List<IptablesCommand> commands = applier(save).install(ProxyInitConfig.defaults().withIpv6(false));

    assertThat(commands).extracting(c -> c.args().get(2)).doesNotContain("-N")
        .containsOnly("-F", "-A");
    assertThat(commands).extracting(c -> c.args().get(3)).doesNotContain("PREROUTING", "OUTPUT");
  }

  @Test
  void aFailingCommandStopsTheInstallAndSaysWhich() {
    CommandRunner runner = argv -> argv.contains("-N")
        ? new CommandResult(argv, 1, "", "iptables: Chain already exists.")
        : CommandResult.ok(argv, "");
    ProxyInitApplier failing =
        ProxyInitApplier.inNamespace(runner, ns, IptablesFlavour.NFT, n -> Optional.of(Path.of("/sbin", n)));

    assertThatThrownBy(() -> failing.install(ProxyInitConfig.defaults()))
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("-t nat -N PROXY_INIT_REDIRECT")
        .hasMessageContaining("Chain already exists");
  }
}
