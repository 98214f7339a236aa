package dev.lattice.proxy.env;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EnvValuesTest {
  @Test
  void durationsTakeAnIntegerAndAUnit() {
    assertThat(EnvValues.duration("0")).isEqualTo(Duration.ZERO);
    assertThat(EnvValues.duration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(EnvValues.duration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(EnvValues.duration("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(EnvValues.duration("24h")).isEqualTo(Duration.ofHours(24));
    assertThat(EnvValues.duration("365d")).isEqualTo(Duration.ofDays(365));
    assertThat(EnvValues.duration("0s")).isEqualTo(Duration.ZERO);
  }

  @ParameterizedTest
  @ValueSource(strings = {"10", "1.5h", "1h30m", " 10s", "10s ", "-1s", "10 s", "10S", "s", "", "99999999999999999999s"})
  void anythingElseIsNotADuration(String text) {
    assertThatThrownBy(() -> EnvValues.duration(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void booleansAreExactlyTrueOrFalse() {
    assertThat(EnvValues.bool("true")).isTrue();
    assertThat(EnvValues.bool("false")).isFalse();
    assertThatThrownBy(() -> EnvValues.bool("yes")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> EnvValues.bool("TRUE")).hasMessageContaining("true or false");
  }

  @Test
  void listenAddressesAreIpLiterals() throws Exception {
    assertThat(EnvValues.socketAddress("127.0.0.1:4191"))
        .isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 4191));
    assertThat(EnvValues.socketAddress("[::]:4191").getAddress().isAnyLocalAddress()).isTrue();
    assertThat(EnvValues.socketAddress("0.0.0.0:0").getPort()).isZero();
    assertThatThrownBy(() -> EnvValues.socketAddress("localhost:4191")).hasMessageContaining("not an IP address");
    assertThatThrownBy(() -> EnvValues.socketAddress("127.0.0.1:99999")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> EnvValues.socketAddress("127.0.0.1")).hasMessageContaining("ip:port");
    assertThatThrownBy(() -> EnvValues.socketAddress("::1:4191")).hasMessageContaining("not an IP address");
  }

  @Test
  void controlAddressesMayBeNames() {
    assertThat(HostAndPort.parse("linkerd-identity-headless.linkerd.svc.cluster.local.:8080"))
        .isEqualTo(new HostAndPort("linkerd-identity-headless.linkerd.svc.cluster.local.", 8080));
    assertThat(HostAndPort.parse("[::1]:8080")).isEqualTo(new HostAndPort("::1", 8080));
    assertThat(HostAndPort.parse("[::1]:8080").toString()).isEqualTo("[::1]:8080");
    assertThatThrownBy(() -> HostAndPort.parse("identity")).hasMessageContaining("host:port");
    assertThatThrownBy(() -> HostAndPort.parse("bad_name:80")).hasMessageContaining("neither");
    assertThatThrownBy(() -> HostAndPort.parse("host:0")).hasMessageContaining("port");
  }

  @Test
  void loopbackControlAddressesAreRecognisedWithoutDns() {
    assertThat(HostAndPort.parse("127.0.0.1:8080").isLoopback()).isTrue();
    assertThat(HostAndPort.parse("127.9.9.9:8080").isLoopback()).isTrue();
    assertThat(HostAndPort.parse("[::1]:8080").isLoopback()).isTrue();
    assertThat(HostAndPort.parse("localhost:8080").isLoopback()).isTrue();
    assertThat(HostAndPort.parse("10.0.0.1:8080").isLoopback()).isFalse();
    assertThat(HostAndPort.parse("identity.linkerd.svc:8080").isLoopback()).isFalse();
  }

  @Test
  void theReaderCollectsEveryProblemBeforeThrowing() {
    EnvReader env = new EnvReader(Map.of("A", "soon", "B", "maybe", "C", ""));
    assertThat(env.duration("A", Duration.ZERO)).isEqualTo(Duration.ZERO);
    assertThat(env.bool("B", false)).isFalse();
    assertThat(env.required("C", s -> s)).isEmpty();
    assertThat(env.get("D")).isEmpty();
    assertThatThrownBy(env::throwIfInvalid)
        .isInstanceOfSatisfying(InvalidEnvException.class, e -> {
          assertThat(e.problems()).extracting(EnvProblem::name).containsExactly("A", "B", "C");
          assertThat(e.getMessage()).contains("3 problems", "A='soon'", "B='maybe'", "C='': is required");
        });
  }
}
