package dev.lattice.proxy.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.proxy.transport.OrigDstAddr;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class StaticDiscoveryTest {
  private static OrigDstAddr addr(String ip, int port) {
    return new OrigDstAddr(new InetSocketAddress(ip, port));
  }

  @Test
  void parsesMeshedOpaqueAndLabelledTargets() {
    StaticDiscovery d = StaticDiscovery.parse("""
        # comment
        10.0.0.7:8080 identity=web.ns.serviceaccount.identity.lattice.cluster.local label.namespace=ns label.service=web
        10.0.0.8:5432 opaque
        10.0.0.9:6379 identity=cache.ns.serviceaccount.identity.lattice.cluster.local proxy=127.0.0.1:7143 opaque
        """, "test");

    Endpoint web = d.resolve(addr("10.0.0.7", 8080)).toCompletableFuture().join();
    assertThat(web.meshed()).hasValueSatisfying(m -> {
      assertThat(m.identity().value()).isEqualTo("web.ns.serviceaccount.identity.lattice.cluster.local");
      assertThat(m.proxy()).isEqualTo(new InetSocketAddress("10.0.0.7", 4143));
    });
    assertThat(web.opaque()).isFalse();
    assertThat(web.dstLabels().toString()).isEqualTo("{dst_namespace=\"ns\",dst_service=\"web\"}");
    assertThat(d.resolve(addr("10.0.0.8", 5432)).toCompletableFuture().join())
        .satisfies(e -> assertThat(e.opaque()).isTrue()).satisfies(e -> assertThat(e.meshed()).isEmpty());
    assertThat(d.resolve(addr("10.0.0.9", 6379)).toCompletableFuture().join().meshed().orElseThrow().proxy())
        .isEqualTo(new InetSocketAddress("127.0.0.1", 7143));
    assertThat(d.resolve(addr("10.9.9.9", 80)).toCompletableFuture().join()).isEqualTo(Endpoint.unmeshed(addr("10.9.9.9", 80)));
  }

  @Test
  void reportsEveryBadLine() {
    assertThatThrownBy(() -> StaticDiscovery.parse("""
        10.0.0.7 identity=x
        10.0.0.8:80 identity=Not_A_Name
        10.0.0.9:80 colour=blue
        10.0.0.10:80 proxy=1.2.3.4:4143
        """, "f"))
        .hasMessageContaining("f:1: target '10.0.0.7': expected ip:port")
        .hasMessageContaining("f:2: identity 'Not_A_Name'")
        .hasMessageContaining("f:3: unknown attribute 'colour'")
        .hasMessageContaining("f:4: proxy= given without identity=");
  }
}
