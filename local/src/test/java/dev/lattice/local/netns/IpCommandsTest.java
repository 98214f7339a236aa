package dev.lattice.local.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpCommandsTest {
  private final NetworkNamespace a = new NetworkNamespace("pod-a");
  private final NetworkNamespace b = new NetworkNamespace("pod-b");

  private static List<String> tail(List<String> argv) {
    assertThat(argv.getFirst()).endsWith("ip");
    return argv.subList(1, argv.size());
  }

  @Test
  void everyLinkCommandNamesItsNamespace() {
    assertThat(tail(IpCommands.addVethPair(a, "eth0", b, "peer0")))
        .containsExactly("-n", "pod-a", "link", "add", "eth0", "type", "veth", "peer", "name", "peer0", "netns", "pod-b");
    assertThat(tail(IpCommands.addBridge(a, "br0"))).containsExactly("-n", "pod-a", "link", "add", "br0", "type", "bridge");
    assertThat(tail(IpCommands.setMaster(a, "eth0", "br0")))
        .containsExactly("-n", "pod-a", "link", "set", "eth0", "master", "br0");
    assertThat(tail(IpCommands.deleteLink(a, "eth0"))).containsExactly("-n", "pod-a", "link", "delete", "eth0");
  }

  @Test
  void ipv6AddressesSkipDuplicateAddressDetection() {
    assertThat(tail(IpCommands.addAddress(a, "eth0", Cidr.parse("10.254.0.1/30"))))
        .containsExactly("-n", "pod-a", "addr", "add", "10.254.0.1/30", "dev", "eth0");
    assertThat(tail(IpCommands.addAddress(a, "eth0", Cidr.parse("fd00:254::1/64"))))
        .containsExactly("-n", "pod-a", "addr", "add", "fd00:254:0:0:0:0:0:1/64", "dev", "eth0", "nodad");
  }

  @Test
  void execRunsInsideTheNamespace() {
    assertThat(tail(a.exec(List.of("iptables", "-t", "nat", "-S"))))
        .containsExactly("netns", "exec", "pod-a", "iptables", "-t", "nat", "-S");
  }

  @Test
  void badNamesAreRejectedBeforeAnythingRuns() {
    assertThatThrownBy(() -> new NetworkNamespace("../etc")).hasMessageContaining("namespace name: ../etc");
    assertThatThrownBy(() -> IpCommands.addDummy(a, "a-name-longer-than-15"))
        .hasMessageContaining("link name: a-name-longer-than-15 (expected: 1-15 of [A-Za-z0-9_.-])");
    assertThatThrownBy(() -> Cidr.parse("example.com/24")).hasMessageContaining("CIDR: example.com/24");
    assertThatThrownBy(() -> Cidr.parse("10.0.0.1/40")).hasMessageContaining("prefix length: 40 (expected: 0..32)");
  }
}
