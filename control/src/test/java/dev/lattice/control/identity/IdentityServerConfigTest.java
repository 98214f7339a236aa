package dev.lattice.control.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentityServerConfigTest {
  @Test
  void flagsOverrideLinkerdsDefaults() {
    IdentityServerConfig config = IdentityServerConfig.parse(Map.of(
        "addr", "127.0.0.1:18080", "token-dir", "/tmp/tokens", "issuance-lifetime", "1h30m",
        "clock-skew-allowance", "500ms", "identity-trust-domain", "example.org"));

    assertThat(config.listenAddress().getPort()).isEqualTo(18080);
    assertThat(config.listenAddress().getHostString()).isEqualTo("127.0.0.1");
    assertThat(config.issuer().directory()).isEqualTo(Path.of("/var/run/linkerd/identity/issuer"));
    assertThat(config.issuer().trustAnchorsFile())
        .isEqualTo(Path.of("/var/run/linkerd/identity/trust-roots/ca-bundle.crt"));
    assertThat(config.identity()).isEqualTo(
        new IdentityConfig(Duration.ofMinutes(90), Duration.ofMillis(500), "linkerd", "example.org"));
  }

  @Test
  void defaultsAreLinkerds() {
    IdentityServerConfig config = IdentityServerConfig.parse(Map.of("token-dir", "/tmp/tokens", "addr", ":8080"));
    assertThat(config.listenAddress().getPort()).isEqualTo(8080);
    assertThat(config.listenAddress().getAddress().isAnyLocalAddress()).isTrue();
    assertThat(config.identity()).isEqualTo(IdentityConfig.defaults());
    assertThat(config.identity().issuanceLifetime()).isEqualTo(Duration.ofHours(24));
    assertThat(config.identity().clockSkewAllowance()).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void everyBadFlagIsReportedAtOnce() {
    assertThatThrownBy(() -> IdentityServerConfig.parse(Map.of(
            "addr", "nowhere", "issuance-lifetime", "1 day", "controller-namespace", "Linkerd.io", "colour", "red")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--colour: unknown flag")
        .hasMessageContaining("--addr: 'nowhere' is not host:port")
        .hasMessageContaining("--issuance-lifetime: '1 day' is not a duration")
        .hasMessageContaining("--token-dir: missing");
    assertThatThrownBy(() -> IdentityServerConfig.parse(Map.of("token-dir", "/t", "controller-namespace", "Linkerd.io")))
        .hasMessageContaining("controlPlaneNamespace: 'Linkerd.io' (expected: a DNS-1123 label)");
  }

  @Test
  void goAndIsoDurations() {
    assertThat(IdentityServerConfig.parseDuration("24h0m0s")).isEqualTo(Duration.ofHours(24));
    assertThat(IdentityServerConfig.parseDuration("20s")).isEqualTo(Duration.ofSeconds(20));
    assertThat(IdentityServerConfig.parseDuration("PT10S")).isEqualTo(Duration.ofSeconds(10));
    assertThatThrownBy(() -> IdentityServerConfig.parseDuration("10")).hasMessageContaining("is not a duration");
    assertThatThrownBy(() -> IdentityServerConfig.parseDuration("h")).hasMessageContaining("is not a duration");
  }
}
