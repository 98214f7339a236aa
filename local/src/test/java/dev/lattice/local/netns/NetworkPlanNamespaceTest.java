package dev.lattice.local.netns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.local.RootTools;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.ProcessCommandRunner;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real namespaces, veths and a bridge (root only); everything lives in namespaces made here. */
class NetworkPlanNamespaceTest {
  private static final String PREFIX = "lt-test";
  private final CommandRunner runner = ProcessCommandRunner.create();
  private NetworkPlan plan;

  @BeforeEach
  void setUp() {
    RootTools.assumeRootWith("ip");
    ScratchNamespaces.reapStale(runner, PREFIX);
    plan = NetworkPlan.using(runner);
  }

  @AfterEach
  void tearDown() {
    if (plan != null) {
      plan.close();
    }
  }

  private List<String> namespaces() {
    return ScratchNamespaces.list(runner).stream().map(NetworkNamespace::name).toList();
  }

  @Test
  void buildsTwoPodsOnABridgeAndRemovesExactlyThat() {
    NetworkNamespace hub = plan.namespace(ScratchNamespaces.unique(PREFIX));
    NetworkNamespace podA = plan.namespace(ScratchNamespaces.unique(PREFIX));
    NetworkNamespace podB = plan.namespace(ScratchNamespaces.unique(PREFIX));
    plan.bridge(hub, "br0");
    plan.vethPair(podA, "eth0", hub, "vetha");
    plan.vethPair(podB, "eth0", hub, "vethb");
    plan.attach(hub, "vetha", "br0");
    plan.attach(hub, "vethb", "br0");
    plan.address(podA, "eth0", Cidr.parse("10.252.0.1/24"));
    plan.address(podB, "eth0", Cidr.parse("10.252.0.2/24"));

    assertThat(namespaces()).contains(hub.name(), podA.name(), podB.name());
    assertThat(plan.exec(hub, List.of(IpCommands.IP, "-o", "link", "show", "master", "br0")))
        .contains("vetha@", "vethb@");
    assertThat(plan.exec(podA, List.of(IpCommands.IP, "-o", "addr", "show", "dev", "eth0"))).contains("10.252.0.1/24");
    // The bridge forwards between the pods: A's neighbour lookup of B succeeds over it.
    assertThat(plan.exec(podA, List.of(IpCommands.IP, "route", "get", "10.252.0.2"))).contains("dev eth0");
    assertThat(plan.created()).hasSize(6);

    plan.close();

    assertThat(namespaces()).doesNotContain(hub.name(), podA.name(), podB.name());
    assertThat(plan.created()).isEmpty();
  }

  @Test
  void reapsNamespacesLeftBehindByADeadRun() {
    NetworkNamespace stale = new NetworkNamespace(PREFIX + "-" + (Long.MAX_VALUE / 2) + "-dead00");
    runner.runChecked(IpCommands.addNamespace(stale));

    assertThat(ScratchNamespaces.reapStale(runner, PREFIX)).contains(stale);
    assertThat(namespaces()).doesNotContain(stale.name());
  }
}
