package dev.lattice.proxy.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.control.destination.DestinationConfig;
import dev.lattice.control.destination.DestinationServer;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Service;
import dev.lattice.control.store.Workload;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.TestApp;
import dev.lattice.proxy.transport.OrigDstAddr;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The proxy's discovery against the real destination service over gRPC (loopback). */
class DestinationDiscoveryTest {
  private static final String ID = "web.shop.serviceaccount.identity.linkerd.cluster.local";
  private final InMemoryStore store = new InMemoryStore();
  private DestinationServer server;
  private DestinationDiscovery discovery;
  private final MetricsRegistry metrics = new MetricsRegistry();

  @BeforeEach
  void setUp() throws Exception {
    store.apply(List.of(
        service("web-svc", "10.96.0.10", 80, 8080),
        service("db-svc", "10.96.0.11", 5432, 5432),
        pod("web-0", "web", "10.42.0.5", true, true),
        pod("web-1", "web", "10.42.0.6", true, true),
        pod("db-0", "db", "10.42.0.7", true, true),
        pod("legacy-0", "legacy", "10.42.0.8", true, false),
        service("legacy-svc", "10.96.0.12", 80, 8080)));
    server = DestinationServer.start(new DestinationServer.Config(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), DestinationConfig.defaults()), store);
    discovery = DestinationDiscovery.connect("127.0.0.1", server.address().getPort(), "{\"ns\":\"shop\"}", metrics);
  }

  @AfterEach
  void tearDown() {
    if (discovery != null) {
      discovery.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private static Endpoint resolve(DestinationDiscovery d, String ip, int port) throws Exception {
    return d.resolve(new OrigDstAddr(new InetSocketAddress(InetAddress.ofLiteral(ip), port)))
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aVirtualIpResolvesToItsMeshedEndpointsInTurn() throws Exception {
    Set<String> targets = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      Endpoint e = resolve(discovery, "10.96.0.10", 80);
      assertThat(e.meshed()).isPresent();
      assertThat(e.meshed().get().identity().value()).isEqualTo(ID);
      assertThat(e.meshed().get().proxy().getPort()).isEqualTo(4143);
      assertThat(e.meshed().get().proxy().getAddress()).isEqualTo(e.target().address().getAddress());
      assertThat(e.target().port()).isEqualTo(8080);
      assertThat(e.opaque()).isFalse();
      assertThat(e.metricLabels()).containsEntry("service", "web-svc").containsEntry("serviceaccount", "web");
      targets.add(e.target().toString());
    }
    assertThat(targets).containsExactlyInAnyOrder("10.42.0.5:8080", "10.42.0.6:8080");
  }

  @Test
  void watchesCountAsControlRequestsAnsweredWhenTheirFirstUpdateArrives() throws Exception {
    Map<String, String> addr = Map.of("addr", "127.0.0.1:" + server.address().getPort(), "tls", "disabled");

    resolve(discovery, "10.96.0.10", 80);
    resolve(discovery, "10.96.0.11", 5432);

    assertThat(MetricsText.sum(metrics, "control_request_total", addr)).isEqualTo(2);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(MetricsText.sum(metrics, "control_response_latency_ms_count", addr)).isEqualTo(2));
    assertThat(MetricsText.sum(metrics, "control_response_total", addr)).as("both watches are still open").isZero();

    discovery.close();
    discovery = null;
    // The cancelled calls close asynchronously: the count must stay at zero after they have.
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(MetricsText.sum(metrics, "control_response_total", addr))
            .as("watches the proxy ends itself have no outcome").isZero());
  }

  @Test
  void anUnreachableDestinationServiceCountsUnavailableResponses() throws Exception {
    MetricsRegistry registry = new MetricsRegistry();
    int nobody = TestApp.freePort();
    DestinationDiscovery down = DestinationDiscovery.connect("127.0.0.1", nobody, "", registry);
    try {
      Endpoint e = resolve(down, "10.96.0.10", 80);

      assertThat(e.meshed()).as("forwarded as is while the control plane is away").isEmpty();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(MetricsText.sum(registry, "control_response_total",
          Map.of("addr", "127.0.0.1:" + nobody, "classification", "failure", "error", "unavailable"))).isGreaterThanOrEqualTo(1));
    } finally {
      down.close();
    }
  }

  @Test
  void opaquePortsAndUnmeshedWorkloadsKeepTheirHints() throws Exception {
    Endpoint db = resolve(discovery, "10.96.0.11", 5432);
    assertThat(db.opaque()).isTrue();
    assertThat(db.meshed()).isPresent();
    Endpoint legacy = resolve(discovery, "10.96.0.12", 80);
    assertThat(legacy.meshed()).isEmpty();
    assertThat(legacy.target().toString()).isEqualTo("10.42.0.8:8080");
  }

  @Test
  void anAddressThatIsNoServiceIsForwardedAsIs() throws Exception {
    Endpoint pod = resolve(discovery, "10.42.0.5", 8080);
    assertThat(pod).isEqualTo(Endpoint.unmeshed(new OrigDstAddr(new InetSocketAddress(InetAddress.ofLiteral("10.42.0.5"), 8080))));
    Endpoint outside = resolve(discovery, "192.0.2.1", 443);
    assertThat(outside.meshed()).isEmpty();
    assertThat(outside.target().toString()).isEqualTo("192.0.2.1:443");
  }

  @Test
  void laterConnectionsFollowTheStream() throws Exception {
    resolve(discovery, "10.96.0.10", 80);
    store.apply(List.of(pod("web-1", "web", "10.42.0.6", false, true)));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      for (int i = 0; i < 3; i++) {
        assertThat(resolve(discovery, "10.96.0.10", 80).target().toString()).isEqualTo("10.42.0.5:8080");
      }
    });
    store.apply(List.of(pod("web-1", "web", "10.42.0.6", true, true)));
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        seen.add(resolve(discovery, "10.96.0.10", 80).target().toString());
      }
      return seen.size() == 2;
    });
  }

  private static Service service(String name, String vip, int port, int target) {
    return new Service(name, "shop", Map.of(), Map.of(), Map.of("app", name.replace("-svc", "")),
        List.of(Service.ServicePort.tcp("", port, new Service.TargetPort.Number(target))),
        InetAddress.ofLiteral(vip), false);
  }

  private static Workload pod(String name, String app, String ip, boolean ready, boolean meshed) {
    Map<String, String> labels = meshed ? Map.of("app", app, MeshKeys.CONTROL_PLANE_NS_LABEL, "linkerd") : Map.of("app", app);
    return new Workload(name, "shop", app, labels, Map.of(),
        List.of(Workload.Container.of("app", Workload.ContainerPort.tcp("", 8080), Workload.ContainerPort.tcp("", 5432))),
        InetAddress.ofLiteral(ip), ready);
  }
}
