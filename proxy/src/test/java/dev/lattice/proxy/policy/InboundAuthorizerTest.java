package dev.lattice.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lattice.api.inbound.InboundServerPoliciesGrpc;
import dev.lattice.api.inbound.PortSpec;
import dev.lattice.api.inbound.Server;
import dev.lattice.control.policy.api.PolicyServer;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.Kind;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Headers;
import dev.lattice.policy.Network;
import dev.lattice.proxy.env.HostAndPort;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.metrics.PrometheusText;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The facade the inbound stack calls: decisions, metrics with Linkerd's labels, re-checks on change. */
class InboundAuthorizerTest {
  private static final InetSocketAddress POD = new InetSocketAddress("10.1.0.10", 8080);
  private static final InetSocketAddress ECHO = new InetSocketAddress("10.1.0.10", 7000);
  private static final InetSocketAddress U1 = new InetSocketAddress("10.1.0.30", 40000);
  private static final InetSocketAddress M1 = new InetSocketAddress("10.1.0.20", 40000);
  private static final String FRONTEND = "frontend.shop.serviceaccount.identity.linkerd.cluster.local";

  private final InMemoryStore store = new InMemoryStore();
  private final MetricsRegistry registry = new MetricsRegistry();
  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
    store.close();
  }

  @Test
  void decisionsAreCountedWithTargetServerRouteAuthzAndTlsLabels() throws Exception {
    store.apply(InboundPoliciesTest.corpus());
    store.apply(ManifestParser.parse(allowFrontend("web-http")));
    InboundAuthorizer authz = realService();
    authz.ready(8080).get();

    ConnectionFacts meshed = authz.connection(POD, M1, true, FRONTEND);
    ConnectionFacts plain = authz.connection(POD, U1, false, "");
    assertThat(authz.authorizeRequest(meshed, "GET", "web", "/orders?x=1", Headers.NONE).allowed()).isTrue();
    authz.authorizeRequest(meshed, "GET", "web", "/orders", Headers.NONE);
    Decision denied = authz.authorizeRequest(plain, "GET", "web", "/orders", Headers.NONE);
    assertThat(denied.response()).isEqualTo(Decision.Response.HTTP_403);

    PrometheusText text = PrometheusText.parse(registry.render());
    assertThat(value(text, PolicyMetrics.HTTP_ALLOW, labels("target_addr", "10.1.0.10:8080", "target_ip", "10.1.0.10",
        "target_port", "8080", "srv_group", "policy.linkerd.io", "srv_kind", "server", "srv_name", "web-http",
        "srv_port", "8080", "route_group", "", "route_kind", "default", "route_name", "default",
        "authz_group", "policy.linkerd.io", "authz_kind", "authorizationpolicy", "authz_name", "web-http-frontend",
        "tls", "true", "client_id", FRONTEND))).isEqualTo(2);
    assertThat(value(text, PolicyMetrics.HTTP_DENY, labels("srv_name", "web-http", "route_name", "default",
        "tls", "no_identity", "no_tls_reason", "no_tls_from_remote"))).isEqualTo(1);
  }

  @Test
  void anOpaqueConnectionIsClosedWhenAChangeRevokesIt() throws Exception {
    store.apply(InboundPoliciesTest.corpus());
    store.apply(ManifestParser.parse(allowFrontend("echo-tcp")));
    InboundAuthorizer authz = realService();
    authz.ready(7000).get();
    ConnectionFacts c = authz.connection(ECHO, M1, true, FRONTEND);
    assertThat(authz.authorizeConnection(c).allowed()).isTrue();
    AtomicInteger closed = new AtomicInteger();
    closing.add(authz.guard(c, closed::incrementAndGet));

    store.delete(List.of(ResourceRef.of(Kind.AUTHORIZATION_POLICY, "shop", "echo-tcp-frontend")));
    await().atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 1);
    PrometheusText text = PrometheusText.parse(registry.render());
    assertThat(value(text, PolicyMetrics.TCP_TERMINATE, labels("srv_name", "echo-tcp", "srv_port", "7000",
        "tls", "true", "client_id", FRONTEND))).isEqualTo(1);
    assertThat(value(text, PolicyMetrics.TCP_ALLOW, labels("authz_name", "echo-tcp-frontend"))).isEqualTo(1);
    // A plaintext client on the opaque port now is denied, labelled port_skipped.
    ConnectionFacts plain = authz.connection(ECHO, U1, false, "");
    assertThat(authz.authorizeConnection(plain).response()).isEqualTo(Decision.Response.CLOSE);
    assertThat(value(PrometheusText.parse(registry.render()), PolicyMetrics.TCP_DENY,
        labels("srv_name", "echo-tcp", "no_tls_reason", "port_skipped"))).isEqualTo(1);
  }

  @Test
  void anInvalidServerRefusesEverythingAndIsNotAnAllowingFallback() throws Exception {
    // A controller that answers with a Server this proxy cannot use (no protocol).
    String name = InProcessServerBuilder.generateName();
    io.grpc.Server fake = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new InboundServerPoliciesGrpc.InboundServerPoliciesImplBase() {
          @Override
          public void watchPort(PortSpec request, StreamObserver<Server> responses) {
            responses.onNext(Server.newBuilder().putLabels("name", "broken").build());
          }
        }).build().start();
    closing.add(fake::shutdownNow);
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    closing.add(channel::shutdownNow);
    InboundPolicies policies = InboundPolicies.builder(config(1).withPending(PolicyConfig.Pending.DEFAULT,
        Duration.ofSeconds(5))).channel(channel).build().start();
    closing.add(policies);
    InboundAuthorizer authz = new InboundAuthorizer(policies, new PolicyMetrics(registry));

    PortState state = authz.ready(8080).get();
    assertThat(state.isInvalid()).isTrue();
    assertThat(state.problem()).contains("protocol is missing");
    ConnectionFacts c = authz.connection(POD, U1, false, "");
    Decision http = authz.authorizeRequest(c, "GET", "", "/", Headers.NONE);
    assertThat(http.outcome()).isEqualTo(Decision.Outcome.INVALID_POLICY);
    assertThat(http.response()).isEqualTo(Decision.Response.HTTP_500);
    assertThat(http.reason()).contains("invalid server configuration");
    assertThat(authz.authorizeRequest(c, "POST", "", "/a.B/C", Headers.of("content-type", "application/grpc"))
        .response()).isEqualTo(Decision.Response.GRPC_INTERNAL);
    assertThat(authz.authorizeConnection(c).response()).isEqualTo(Decision.Response.CLOSE);
  }

  // ---- helpers

  private InboundAuthorizer realService() throws Exception {
    PolicyServer server = PolicyServer.start(PolicyServer.Config.defaults()
        .withListen(new InetSocketAddress("127.0.0.1", 0)), store);
    closing.add(server);
    InboundPolicies policies = InboundPolicies.builder(config(server.address().getPort())).build().start();
    closing.add(policies);
    return new InboundAuthorizer(policies, new PolicyMetrics(registry));
  }

  private static PolicyConfig config(int port) {
    return PolicyConfig.staticDefault(DefaultPolicy.ALL_UNAUTHENTICATED, Network.defaultClusterNetworks())
        .withService(new HostAndPort("127.0.0.1", port), PolicyCorpus.WEB)
        .withPorts(Set.of(8080, 7000), Set.of(7000))
        .withPending(PolicyConfig.Pending.DENY, Duration.ofSeconds(5))
        .withBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
  }

  private static String allowFrontend(String server) {
    return """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: SERVER-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: SERVER}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-only}]
        """.replace("SERVER", server);
  }

  private static Map<String, String> labels(String... namesAndValues) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  /** The value of the one series of {@code name} whose labels include {@code labels}. */
  private static double value(PrometheusText text, String name, Map<String, String> labels) {
    List<PrometheusText.Sample> matching = text.samples().stream()
        .filter(s -> s.name().equals(name) && s.labels().entrySet().containsAll(labels.entrySet())).toList();
    assertThat(matching).as("%s%s in%n%s", name, labels, text.samples()).hasSize(1);
    return matching.getFirst().value();
  }
}
