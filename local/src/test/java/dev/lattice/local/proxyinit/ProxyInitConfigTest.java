package dev.lattice.local.proxyinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProxyInitConfigTest {
  @Test
  void defaultsAreTheChartDefaults() {
    ProxyInitConfig c = ProxyInitConfig.defaults();

    assertThat(c.proxyUid()).isEqualTo(2102);
    assertThat(c.proxyGid()).isEqualTo(-1);
    assertThat(c.inboundProxyPort()).isEqualTo(4143);
    assertThat(c.outboundProxyPort()).isEqualTo(4140);
    assertThat(c.inboundPortsToIgnore()).extracting(PortRange::toString).containsExactly("4190", "4191", "4567", "4568");
    assertThat(c.outboundPortsToIgnore()).extracting(PortRange::toString).containsExactly("4567", "4568");
    assertThat(c.subnetsToIgnore()).isEmpty();
    assertThat(c.families()).containsExactly(IpFamily.IPV4, IpFamily.IPV6);
  }

  @Test
  void everyBadFieldIsReportedAtOnce() {
    assertThatThrownBy(() -> new ProxyInitConfig(2102, -1, 0, 70000, List.of(), List.of(),
        List.of("10.0.0.0/8", "not-a-cidr", "10.0.0.0/33"), List.of(-1), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inboundProxyPort: 0 (expected: 1..65535)")
        .hasMessageContaining("outboundProxyPort: 70000 (expected: 1..65535)")
        .hasMessageContaining("portsToRedirect: -1")
        .hasMessageContaining("'not-a-cidr' is not a valid CIDR address")
        .hasMessageContaining("'10.0.0.0/33' is not a valid CIDR address")
        .hasMessageNotContaining("'10.0.0.0/8'");
  }

  @Test
  void portRangesParseAndRejectNonsense() {
    assertThat(PortRange.parse("4000-4100")).isEqualTo(new PortRange(4000, 4100));
    assertThat(PortRange.parse("4000-4100").multiport()).isEqualTo("4000:4100");
    assertThat(PortRange.parse(" 4190 ").multiportSlots()).isEqualTo(1);
    assertThatThrownBy(() -> PortRange.parse("http")).hasMessageContaining("port range: 'http' (expected: PORT or LOW-HIGH)");
    assertThatThrownBy(() -> PortRange.parse("20-10")).hasMessageContaining("expected: low <= high");
    assertThatThrownBy(() -> PortRange.parse("0")).hasMessageContaining("expected: ports in 1..65535");
  }
}
