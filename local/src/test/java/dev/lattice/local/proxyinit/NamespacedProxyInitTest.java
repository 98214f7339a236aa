package dev.lattice.local.proxyinit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.local.RootTools;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.Executables;
import dev.lattice.local.exec.ProcessCommandRunner;
import dev.lattice.local.netns.NetworkNamespace;
import dev.lattice.local.netns.NetworkPlan;
import dev.lattice.local.netns.ScratchNamespaces;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Installs the rules with real iptables in a fresh namespace (root only) and reads them back with
 * {@code iptables -t nat -S}: the listing must be what Linkerd's proxy-init leaves in a pod.
 */
class NamespacedProxyInitTest {
  private static final List<String> POLICIES = List.of(
      "-P PREROUTING ACCEPT", "-P INPUT ACCEPT", "-P OUTPUT ACCEPT", "-P POSTROUTING ACCEPT");

  /** {@code iptables -t nat -S} after installing the defaults plus one ignored subnet. */
  static final List<String> LINKERD_RULES = List.of(
      "-N PROXY_INIT_OUTPUT",
      "-N PROXY_INIT_REDIRECT",
      "-A PREROUTING -m comment --comment \"proxy-init/install-proxy-init-prerouting\" -j PROXY_INIT_REDIRECT",
      "-A OUTPUT -m comment --comment \"proxy-init/install-proxy-init-output\" -j PROXY_INIT_OUTPUT",
      "-A PROXY_INIT_OUTPUT -m owner --uid-owner 2102 -m comment --comment \"proxy-init/ignore-proxy-user-id\" -j RETURN",
      "-A PROXY_INIT_OUTPUT -o lo -m comment --comment \"proxy-init/ignore-loopback\" -j RETURN",
      "-A PROXY_INIT_OUTPUT -p tcp -m multiport --dports 4567,4568"
          + " -m comment --comment \"proxy-init/ignore-port-4567,4568\" -j RETURN",
      "-A PROXY_INIT_OUTPUT -p tcp -m comment --comment \"proxy-init/redirect-all-outgoing-to-proxy-port\""
          + " -j REDIRECT --to-ports 4140",
      "-A PROXY_INIT_REDIRECT -p tcp -m multiport --dports 4190,4191,4567,4568"
          + " -m comment --comment \"proxy-init/ignore-port-4190,4191,4567,4568\" -j RETURN",
      "-A PROXY_INIT_REDIRECT -s 10.251.0.0/16 -m comment --comment \"proxy-init/ignore-subnet-10.251.0.0/16\" -j RETURN",
      "-A PROXY_INIT_REDIRECT -p tcp -m comment --comment \"proxy-init/redirect-all-incoming-to-proxy-port\""
          + " -j REDIRECT --to-ports 4143");

  private final CommandRunner runner = ProcessCommandRunner.create();
  private final ProxyInitConfig config = ProxyInitConfig.defaults().withSubnetsToIgnore(List.of("10.251.0.0/16"));
  private NetworkPlan plan;
  private NetworkNamespace ns;

  @BeforeEach
  void setUp() {
    RootTools.assumeRootWith("ip", "iptables", "ip6tables");
    ScratchNamespaces.reapStale(runner, "lt-test");
    plan = NetworkPlan.using(runner);
    ns = plan.namespace(ScratchNamespaces.unique("lt-test"));
  }

  @AfterEach
  void tearDown() {
    if (plan != null) {
      plan.close();
    }
  }

  @ParameterizedTest
  @EnumSource(IptablesFlavour.class)
  void installedRulesReadBackAsLinkerdsAndRemovalLeavesTheTableClean(IptablesFlavour flavour) {
    RootTools.assumeRootWith("iptables-" + flavour.suffix(), "iptables-" + flavour.suffix() + "-save");
    ProxyInitApplier applier = ProxyInitApplier.inNamespace(runner, ns, flavour, Executables::find);

    applier.install(config);

    assertThat(applier.binaries(IpFamily.IPV4).iptables().getFileName().toString())
        .isEqualTo("iptables-" + flavour.suffix());
    assertThat(applier.natRules(IpFamily.IPV4)).containsExactlyElementsOf(concat(POLICIES, LINKERD_RULES));
    // ip6tables gets the same rules without the IPv4-only subnet.
    assertThat(applier.natRules(IpFamily.IPV6)).containsExactlyElementsOf(
        concat(POLICIES, LINKERD_RULES.stream().filter(r -> !r.contains("ignore-subnet")).toList()));

    // Running proxy-init twice (a restarted init container) flushes and refills; nothing doubles.
    applier.install(config);
    assertThat(applier.natRules(IpFamily.IPV4)).containsExactlyElementsOf(concat(POLICIES, LINKERD_RULES));

    applier.remove(config);
    assertThat(applier.natRules(IpFamily.IPV4)).containsExactlyElementsOf(POLICIES);
    assertThat(applier.natRules(IpFamily.IPV6)).containsExactlyElementsOf(POLICIES);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
