package dev.lattice.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {
  @Test
  void defaultsMatchLinkerd() {
    ProxyConfig c = ProxyConfig.parse(Map.of());

    assertThat(c.inboundListen()).isEqualTo(new InetSocketAddress("0.0.0.0", 4143));
    assertThat(c.outboundListen()).containsExactly(new InetSocketAddress("127.0.0.1", 4140));
    assertThat(c.adminListen()).isEqualTo(new InetSocketAddress("127.0.0.1", 4191));
    assertThat(c.inboundDetectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.opaquePorts()).containsExactlyInAnyOrder(25, 587, 3306, 4444, 5432, 6379, 9300, 11211);
    assertThat(c.shutdownGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.outboundIdleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.inboundHttp1PoolIdleTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.outboundHttp1PoolIdleTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.metricsRetainIdle()).isEqualTo(Duration.ofMinutes(10));
    assertThat(c.eventLoopThreads()).isBetween(1, 2);
    assertThat(c.identity()).isEmpty();
    assertThat(c.inboundAllowed(address("203.0.113.9"))).as("no LINKERD2_PROXY_INBOUND_IPS: any address").isTrue();
  }

  @Test
  void inboundIpsLimitWhichAddressesInboundConnectionsMayBeFor() {
    ProxyConfig c = ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_IPS", "10.42.0.7, fd00::7"));

    assertThat(c.inboundAllowed(address("10.42.0.7"))).isTrue();
    assertThat(c.inboundAllowed(address("fd00:0:0:0:0:0:0:7"))).isTrue();
    assertThat(c.inboundAllowed(address("10.42.0.8"))).isFalse();
    assertThat(c.inboundAllowed(address("127.0.0.1"))).isFalse();
  }

  @Test
  void readsListenAddressesDurationsAndPortRanges() {
    ProxyConfig c = ProxyConfig.parse(Map.of(
        "LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "[::1]:5143",
        "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDRS", "127.0.0.1:5140,127.0.0.1:5141",
        "LINKERD2_PROXY_INBOUND_DETECT_TIMEOUT", "250ms",
        "LINKERD2_PROXY_SHUTDOWN_GRACE_PERIOD", "0",
        "LINKERD2_PROXY_INBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT", "120s",
        "LINKERD2_PROXY_OUTBOUND_HTTP1_CONNECTION_POOL_IDLE_TIMEOUT", "1500ms",
        "LINKERD2_PROXY_METRICS_RETAIN_IDLE", "2m",
        "LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION", "22,8000-8002",
        "LATTICE_PROXY_STATIC_ORIG_DST", "5140=127.0.0.1:8080"));

    assertThat(c.inboundListen().getPort()).isEqualTo(5143);
    assertThat(c.inboundListen().getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
    assertThat(c.outboundListen()).extracting(InetSocketAddress::getPort).containsExactly(5140, 5141);
    assertThat(c.inboundDetectTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.shutdownGrace()).isZero();
    assertThat(c.inboundHttp1PoolIdleTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(c.outboundHttp1PoolIdleTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.metricsRetainIdle()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.opaquePorts()).containsExactlyInAnyOrder(22, 8000, 8001, 8002);
    assertThat(c.staticOrigDst()).containsEntry(5140, new InetSocketAddress("127.0.0.1", 8080));
  }

  @Test
  void reportsEveryBadVariableAtOnce() {
    assertThatThrownBy(() -> ProxyConfig.parse(Map.of(
        "LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "localhost:4143",
        "LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT", "10 seconds",
        "LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION", "25,70000",
        "LINKERD2_PROXY_CORES", "zero",
        "LINKERD2_PROXY_INBOUND_IPS", "10.42.0.7,pod-a",
        "LATTICE_PROXY_CERT_FILE", "/nonexistent/cert.pem")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          List<String> p = e.problems();
          assertThat(p).anySatisfy(s -> assertThat(s).startsWith("LINKERD2_PROXY_INBOUND_LISTEN_ADDR='localhost:4143'").contains("IP address literal"));
          assertThat(p).anySatisfy(s -> assertThat(s).startsWith("LINKERD2_PROXY_OUTBOUND_DETECT_TIMEOUT='10 seconds'").contains("duration"));
          assertThat(p).anySatisfy(s -> assertThat(s).contains("'70000'").contains("[1, 65535]"));
          assertThat(p).anySatisfy(s -> assertThat(s).startsWith("LINKERD2_PROXY_CORES='zero'"));
          assertThat(p).anySatisfy(s -> assertThat(s).startsWith("LINKERD2_PROXY_INBOUND_IPS='pod-a'").contains("IP address literal"));
          assertThat(p).anySatisfy(s -> assertThat(s).startsWith("LATTICE_PROXY_CERT_FILE='/nonexistent/cert.pem'").contains("readable file"));
          assertThat(p).anySatisfy(s -> assertThat(s).contains("must be set together"));
          assertThat(p).anySatisfy(s -> assertThat(s).contains("LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS must be set"));
        });
  }

  private static java.net.InetAddress address(String literal) {
    try {
      return java.net.InetAddress.getByName(literal); // a literal: no lookup
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
