package dev.lattice.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.control.policy.api.PolicyServer;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.Kind;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Network;
import dev.lattice.proxy.env.HostAndPort;
import dev.lattice.proxy.metrics.MetricsRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The proxy's policy client against the real control-plane policy server, over loopback TCP. */
class InboundPoliciesTest {
  private static final Duration FAST = Duration.ofSeconds(5);
  private static final InetSocketAddress POD_8080 = new InetSocketAddress("10.1.0.10", 8080);
  private static final InetSocketAddress U1 = new InetSocketAddress("10.1.0.30", 40000);

  private final InMemoryStore store = new InMemoryStore();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    store.close();
  }

  @Test
  void theFirstPolicyArrivesThenEachChange() throws Exception {
    store.apply(corpus());
    PolicyServer server = server();
    InboundPolicies policies = client(server.address().getPort(), PolicyConfig.Pending.DENY, Duration.ofSeconds(5));
    List<PortState> heard = new CopyOnWriteArrayList<>();
    policies.subscribe(8080, heard::add);

    PortState first = policies.await(8080);
    assertThat(first.source()).isEqualTo(PortState.Source.SERVICE);
    assertThat(first.policy().server()).isEqualTo(Meta.of("policy.linkerd.io", "server", "web-http"));
    assertThat(first.policy().authorizations()).isEmpty();

    store.apply(ManifestParser.parse("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: http-from-shop, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: shop-pods}]
        """));
    await().atMost(FAST).until(() -> !policies.current(8080).policy().authorizations().isEmpty());
    assertThat(policies.current(8080).policy().authorizations().getFirst().meta().name()).isEqualTo("http-from-shop");
    assertThat(heard).last().satisfies(s -> assertThat(s.policy().authorizations()).hasSize(1));
  }

  @Test
  void whenTheServiceGoesDownTheLastPolicyStaysAndTheWatchComesBack() throws Exception {
    store.apply(corpus());
    PolicyServer server = PolicyServer.start(PolicyServer.Config.defaults()
        .withListen(new InetSocketAddress("127.0.0.1", 0)), store);
    int port = server.address().getPort();
    InboundPolicies policies = client(port, PolicyConfig.Pending.DENY, Duration.ofSeconds(5));
    PortState known = policies.await(8080);
    assertThat(known.source()).isEqualTo(PortState.Source.SERVICE);

    server.close();
    await().atMost(FAST).until(() -> policies.failures(8080) >= 1);
    assertThat(policies.current(8080)).isSameAs(known);

    // The service returns (same port), now without the Server: the watch reconnects and hears it.
    store.delete(List.of(ResourceRef.of(Kind.SERVER, "shop", "web-http")));
    PolicyServer again = PolicyServer.start(PolicyServer.Config.defaults()
        .withListen(new InetSocketAddress("127.0.0.1", port)), store);
    closing.add(again);
    await().atMost(Duration.ofSeconds(20)).until(() -> policies.current(8080).policy().server().name()
        .equals("all-unauthenticated"));
  }

  @Test
  void aPortWithoutAnAnswerFailsClosedAfterTheWait() throws Exception {
    int nobody = unusedPort();
    InboundPolicies policies = client(nobody, PolicyConfig.Pending.DENY, Duration.ofMillis(200));
    InboundAuthorizer authorizer = new InboundAuthorizer(policies, new PolicyMetrics(new MetricsRegistry()));
    ConnectionFacts c = authorizer.connection(POD_8080, U1, false, "");

    Decision tcp = authorizer.authorizeConnection(c);
    assertThat(tcp.allowed()).isFalse();
    assertThat(tcp.response()).isEqualTo(Decision.Response.CLOSE);
    assertThat(tcp.server()).isEqualTo(Meta.ofDefault("deny"));
    Decision http = authorizer.authorizeRequest(c, "GET", "", "/orders", dev.lattice.policy.Headers.NONE);
    assertThat(http.response()).isEqualTo(Decision.Response.HTTP_403);
    assertThat(policies.current(8080).source()).isEqualTo(PortState.Source.PENDING);
    assertThat(policies.ready(8080)).isDone();
    // Loopback still passes: default:localhost is always there.
    ConnectionFacts local = authorizer.connection(POD_8080, new InetSocketAddress("127.0.0.1", 40001), false, "");
    assertThat(authorizer.authorizeConnection(local).allowed()).isTrue();
  }

  @Test
  void withLinkerdsPendingModeTheStartTimeDefaultAppliesInstead() throws Exception {
    InboundPolicies policies = client(unusedPort(), PolicyConfig.Pending.DEFAULT, Duration.ZERO);
    PortState state = policies.await(8080);
    assertThat(state.source()).isEqualTo(PortState.Source.PENDING);
    assertThat(state.policy().server()).isEqualTo(Meta.ofDefault("all-unauthenticated"));
    assertThat(policies.current(5432).policy().protocol()).isEqualTo(dev.lattice.policy.ProxyProtocol.OPAQUE);
  }

  @Test
  void anUnknownPodKeepsTheWatchRetryingAndThePortDenied() throws Exception {
    store.apply(corpus());
    PolicyServer server = server();
    PolicyConfig config = PolicyConfig.staticDefault(DefaultPolicy.ALL_UNAUTHENTICATED, Network.defaultClusterNetworks())
        .withService(new HostAndPort("127.0.0.1", server.address().getPort()), "{\"ns\":\"shop\",\"pod\":\"later\"}")
        .withPending(PolicyConfig.Pending.DENY, Duration.ofMillis(100))
        .withBackoff(Duration.ofMillis(20), Duration.ofMillis(100));
    InboundPolicies policies = track(InboundPolicies.builder(config).build().start());
    await().atMost(FAST).until(() -> policies.failures(8080) >= 2);
    assertThat(policies.current(8080).policy().server()).isEqualTo(Meta.ofDefault("deny"));

    // The pod appears: the next attempt gets its policy.
    store.apply(ManifestParser.parse("""
        apiVersion: v1
        kind: Pod
        metadata: {name: later, namespace: shop, labels: {app: other}}
        spec:
          containers: [{name: app, image: x, ports: [{containerPort: 8080}]}]
        """));
    await().atMost(FAST).until(() -> policies.current(8080).source() == PortState.Source.SERVICE);
    assertThat(policies.current(8080).policy().server()).isEqualTo(Meta.ofDefault("all-unauthenticated"));
  }

  // ---- helpers

  static List<dev.lattice.control.store.Resource> corpus() {
    List<dev.lattice.control.store.Resource> out = new ArrayList<>(PolicyCorpus.base());
    out.addAll(PolicyCorpus.catalogue());
    return out;
  }

  private PolicyServer server() throws IOException {
    return track(PolicyServer.start(PolicyServer.Config.defaults().withListen(new InetSocketAddress("127.0.0.1", 0)),
        store));
  }

  private InboundPolicies client(int port, PolicyConfig.Pending pending, Duration wait) {
    PolicyConfig config = PolicyConfig.staticDefault(DefaultPolicy.ALL_UNAUTHENTICATED, Network.defaultClusterNetworks())
        .withService(new HostAndPort("127.0.0.1", port), PolicyCorpus.WEB)
        .withPorts(Set.of(8080), Set.of(5432))
        .withPending(pending, wait)
        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    return track(InboundPolicies.builder(config).build().start());
  }

  private <T extends AutoCloseable> T track(T c) {
    closing.add(c);
    return c;
  }

  private static int unusedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
