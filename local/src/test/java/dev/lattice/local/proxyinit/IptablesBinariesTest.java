package dev.lattice.local.proxyinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class IptablesBinariesTest {
  private static Function<String, Optional<Path>> having(String... names) {
    Set<String> present = Set.of(names);
    return n -> present.contains(n) ? Optional.of(Path.of("/usr/sbin", n)) : Optional.empty();
  }

  @Test
  void prefersTheRequestedFlavour() {
    var all = having("iptables", "iptables-save", "iptables-nft", "iptables-nft-save", "iptables-legacy",
        "iptables-legacy-save", "ip6tables-legacy", "ip6tables-legacy-save", "ip6tables-nft", "ip6tables-nft-save");

    assertThat(IptablesBinaries.resolve(IpFamily.IPV4, IptablesFlavour.NFT, all).iptables())
        .isEqualTo(Path.of("/usr/sbin/iptables-nft"));
    assertThat(IptablesBinaries.resolve(IpFamily.IPV4, IptablesFlavour.LEGACY, all).save())
        .isEqualTo(Path.of("/usr/sbin/iptables-legacy-save"));
    assertThat(IptablesBinaries.resolve(IpFamily.IPV6, IptablesFlavour.NFT, all).iptables())
        .isEqualTo(Path.of("/usr/sbin/ip6tables-nft"));
  }

  @Test
  void fallsBackToThePlainBinaryThenTheOtherFlavour() {
    assertThat(IptablesBinaries.resolve(IpFamily.IPV4, IptablesFlavour.NFT, having("iptables", "iptables-save"))
        .iptables()).isEqualTo(Path.of("/usr/sbin/iptables"));
    assertThat(IptablesBinaries.resolve(IpFamily.IPV4, IptablesFlavour.NFT,
        having("iptables-legacy", "iptables-legacy-save")).iptables()).isEqualTo(Path.of("/usr/sbin/iptables-legacy"));
  }

  @Test
  void aBinaryWithoutItsSaveCounterpartIsNotUsable() {
    assertThatThrownBy(() -> IptablesBinaries.resolve(IpFamily.IPV6, IptablesFlavour.NFT, having("ip6tables-nft")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no usable ip6tables binaries")
        .hasMessageContaining("ip6tables-nft (+ ip6tables-nft-save)")
        .hasMessageContaining("install the Debian package iptables");
  }
}
