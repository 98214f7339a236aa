package dev.lattice.proxy.inbound;

import static dev.lattice.proxy.testing.PolicyMesh.M1;
import static dev.lattice.proxy.testing.PolicyMesh.M2;
import static dev.lattice.proxy.testing.PolicyMesh.U1_IP;
import static dev.lattice.proxy.testing.PolicyMesh.U2_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.control.store.Kind;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.proxy.testing.GrpcOrders;
import dev.lattice.proxy.testing.PolicyMesh;
import dev.lattice.proxy.testing.PolicyMesh.Curl;
import dev.lattice.proxy.testing.Processes;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Policy scenarios of spec §4 end to end: real clients (curl, grpc-java, raw sockets) through real
 * mTLS proxies, the web proxy's policy coming from the control plane's policy server as the test
 * changes the store, and counters read from the proxy's admin {@code /metrics}. Each test is named
 * after its scenario; addresses are the loopback stand-ins described in {@link PolicyMesh}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboundPolicyScenariosTest {
  private static final String DENY = "inbound_http_authz_deny_total";
  private static final String ALLOW = "inbound_http_authz_allow_total";
  private static final String NO_ROUTE = "inbound_http_route_not_found_total";
  private static final String TCP_ALLOW = "inbound_tcp_authz_allow_total";
  private static final String TCP_DENY = "inbound_tcp_authz_deny_total";
  private static final String TCP_TERMINATE = "inbound_tcp_authz_terminate_total";
  private static final String WEB_HTTP = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: web-http, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: http, proxyProtocol: HTTP/1}
      """;
  private static final String ORDERS_GRPC = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: orders-grpc, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: grpc, proxyProtocol: gRPC}
      """;
  private static final String ECHO_TCP = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: echo-tcp, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: echo, proxyProtocol: opaque}
      """;
  private static final String ECHO_FRONTEND = """
      apiVersion: policy.linkerd.io/v1alpha1
      kind: AuthorizationPolicy
      metadata: {name: echo-frontend, namespace: shop}
      spec:
        targetRef: {group: policy.linkerd.io, kind: Server, name: echo-tcp}
        requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
      """;

  private PolicyMesh mesh;

  @BeforeAll
  void start() throws IOException {
    assumeTrue(Processes.available("curl"), "curl is not installed");
    mesh = new PolicyMesh();
  }

  @AfterAll
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
  }

  @AfterEach
  void reset() {
    mesh.reset();
  }

  @Test
  void S13_aServerWithoutAuthorizationsDeniesEveryone() {
    mesh.apply("""
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-8080, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: %d}
        """.formatted(mesh.http.port()));
    mesh.awaitServer(mesh.http.port(), "web-8080");
    int before = mesh.http.requests.get();
    Map<String, String> m1Labels = labels("srv_group", "policy.linkerd.io", "srv_kind", "server", "srv_name", "web-8080",
        "srv_port", port(), "target_port", port(), "target_ip", "127.0.0.1", "target_addr", "127.0.0.1:" + port(),
        "route_group", "", "route_kind", "default", "route_name", "default", "tls", "true", "client_id", M1.value());
    double m1Denied = mesh.metric(DENY, m1Labels);
    Delta u1Denied = delta(DENY, "srv_name", "web-8080", "tls", "no_identity");

    Curl meshed = mesh.curlMeshed(mesh.frontend, "GET", "/orders");
    assertThat(meshed.status()).isEqualTo(403);
    assertThat(meshed.headers()).as("M1's own proxy strips the peer's error header")
        .doesNotContainKey("l5d-proxy-error").containsEntry("content-length", "0");
    Curl mtls = mesh.curlMtls("m1", PolicyMesh.M1_IP, "GET", "/orders");
    assertThat(mtls.status()).isEqualTo(403);
    assertThat(mtls.headers().get("l5d-proxy-error")).contains("unauthorized request on route");

    Curl plain = mesh.curlPlain(U1_IP, "GET", "/orders");
    assertThat(plain.status()).isEqualTo(403);
    assertThat(plain.headers()).doesNotContainKey("l5d-proxy-error");
    Curl h2c = mesh.curlPlainAnsweredEarly(U1_IP, "POST", "/orders", "--http2-prior-knowledge", "--data-binary", "order=17");
    assertThat(h2c.raw()).startsWith("HTTP/2 403");
    assertThat(h2c.headers()).doesNotContainKey("l5d-proxy-error");

    assertThat(mesh.http.requests.get()).as("the app received nothing").isEqualTo(before);
    assertThat(mesh.metric(DENY, m1Labels)).isEqualTo(m1Denied + 2);
    assertThat(u1Denied.get()).as("the plain request and each h2c attempt").isEqualTo(1 + h2c.attempts());
    assertThat(mesh.scrape()).doesNotContain(ALLOW + "{target_addr=\"127.0.0.1:" + port() + "\",target_ip=\"127.0.0.1\","
        + "target_port=\"" + port() + "\",srv_group=\"policy.linkerd.io\",srv_kind=\"server\",srv_name=\"web-8080\"");
  }

  @Test
  void S17_deletingAServerRestoresTheDefaultWithoutARestart() {
    mesh.apply(WEB_HTTP.replace("web-http", "web-8080"));
    mesh.awaitServer(mesh.http.port(), "web-8080");
    assertThat(mesh.curlPlain(U1_IP, "GET", "/orders").status()).isEqualTo(403);

    mesh.delete(ResourceRef.of(Kind.SERVER, "shop", "web-8080"));
    await().atMost(Duration.ofSeconds(10)).until(() -> mesh.curlPlain(U1_IP, "GET", "/orders").status() == 200);
    assertThat(mesh.metric(ALLOW, labels("srv_kind", "default", "srv_name", "all-unauthenticated",
        "authz_kind", "default", "authz_name", "all-unauthenticated", "target_port", port()))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void S18_auditAdmitsEveryoneAndCountsIt() {
    mesh.apply(WEB_HTTP.replace("proxyProtocol: HTTP/1}", "proxyProtocol: HTTP/1, accessPolicy: audit}"));
    mesh.awaitPolicy(mesh.http.port(), s -> s.policy().server().name().equals("web-http")
        && !s.policy().authorizations().isEmpty());
    Map<String, String> audit = labels("srv_name", "web-http", "route_name", "default", "authz_kind", "default",
        "authz_name", "audit");
    double before = mesh.metric(ALLOW, audit);

    assertThat(mesh.curlPlain(U1_IP, "GET", "/orders").status()).isEqualTo(200);
    assertThat(mesh.curlMeshed(mesh.frontend, "GET", "/orders").status()).isEqualTo(200);

    assertThat(mesh.metric(ALLOW, audit)).isEqualTo(before + 2);
    assertThat(mesh.metric(ALLOW, with(audit, "tls", "true", "client_id", M1.value()))).isGreaterThanOrEqualTo(1);
  }

  @Test
  void S26_anAuthorizationPolicyForAServiceAccountAdmitsOnlyThatIdentity() {
    mesh.apply(WEB_HTTP + """
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: web-sa-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        """);
    mesh.awaitServer(mesh.http.port(), "web-http", "web-sa-frontend");
    Delta m1Allowed = delta(ALLOW, "srv_name", "web-http", "authz_group", "policy.linkerd.io",
        "authz_kind", "authorizationpolicy", "authz_name", "web-sa-frontend", "client_id", M1.value());
    Delta m2Denied = delta(DENY, "srv_name", "web-http", "client_id", M2.value());

    Curl m1 = mesh.curlMeshed(mesh.frontend, "GET", "/orders");
    assertThat(m1.status()).isEqualTo(200);
    assertThat(m1.headers()).doesNotContainKey("l5d-proxy-error");
    assertThat(mesh.curlMeshed(mesh.reports, "GET", "/orders").status()).isEqualTo(403);
    Curl m2 = mesh.curlMtls("m2", PolicyMesh.M2_IP, "GET", "/orders");
    assertThat(m2.status()).isEqualTo(403);
    assertThat(m2.headers().get("l5d-proxy-error")).contains("unauthorized request on route");
    Curl u1 = mesh.curlPlain(U1_IP, "GET", "/orders");
    assertThat(u1.status()).isEqualTo(403);
    assertThat(u1.headers()).doesNotContainKey("l5d-proxy-error");

    assertThat(m1Allowed.get()).isEqualTo(1);
    assertThat(m2Denied.get()).isEqualTo(2);
  }

  @Test
  void S27_aNetworkAuthenticationAdmitsByAddressWithoutIdentity() {
    mesh.apply(WEB_HTTP + """
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: web-shop-net, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: shop-pods}]
        """);
    mesh.awaitServer(mesh.http.port(), "web-http", "web-shop-net");
    Delta m1Allowed = delta(ALLOW, "authz_name", "web-shop-net", "client_id", M1.value());

    assertThat(mesh.curlPlain(U1_IP, "GET", "/orders").status()).as("U1 is in the shop network").isEqualTo(200);
    assertThat(mesh.curlMeshed(mesh.frontend, "GET", "/orders").status()).as("M1 too").isEqualTo(200);
    assertThat(mesh.curlPlain(U2_IP, "GET", "/orders").status()).as("U2 is not").isEqualTo(403);
    assertThat(mesh.curlMeshed(mesh.reports, "GET", "/orders").status()).as("nor is M2").isEqualTo(403);
    assertThat(m1Allowed.get()).isEqualTo(1);
  }

  @Test
  void S36_perRouteAuthorizationAndRequestsThatMatchNoRoute() {
    mesh.apply(WEB_HTTP + """
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: orders-read, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
          rules: [{matches: [{path: {type: PathPrefix, value: /orders}, method: GET}]}]
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: orders-write, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
          rules: [{matches: [{path: {type: Exact, value: /orders}, method: POST}]}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: orders-read-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: orders-read}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-only}]
        """);
    mesh.awaitPolicy(mesh.http.port(), s -> s.policy().routes().stream().anyMatch(r -> r.meta().name().equals("orders-write"))
        && s.policy().routes().stream().anyMatch(r -> r.meta().name().equals("orders-read") && !r.authorizations().isEmpty()));
    Delta readAllowed = delta(ALLOW, "route_group", "policy.linkerd.io", "route_kind", "HTTPRoute",
        "route_name", "orders-read", "authz_name", "orders-read-frontend", "client_id", M1.value());
    Delta writeDenied = delta(DENY, "route_name", "orders-write", "client_id", M1.value());
    Delta noRoute = delta(NO_ROUTE, "srv_name", "web-http", "client_id", M1.value());

    assertThat(mesh.curlMeshed(mesh.frontend, "GET", "/orders/17").status()).isEqualTo(200);
    assertThat(mesh.curlPlain(U1_IP, "GET", "/orders/17").status()).isEqualTo(403);
    assertThat(mesh.curlMeshed(mesh.frontend, "POST", "/orders").status()).isEqualTo(403);
    Curl catalog = mesh.curlMtls("m1", PolicyMesh.M1_IP, "GET", "/catalog");
    assertThat(catalog.status()).isEqualTo(404);
    assertThat(catalog.headers().get("l5d-proxy-error")).contains("no route found for request");
    assertThat(mesh.curlMeshed(mesh.frontend, "DELETE", "/orders/17").status()).isEqualTo(404);

    assertThat(readAllowed.get()).isEqualTo(1);
    assertThat(writeDenied.get()).isEqualTo(1);
    assertThat(noRoute.get()).isEqualTo(2);
  }

  @Test
  void S42_aGrpcServerWithoutAuthorizationsAnswersPermissionDenied() throws Exception {
    mesh.apply(ORDERS_GRPC);
    mesh.awaitServer(mesh.grpc.port(), "orders-grpc");
    int before = mesh.grpc.messages.get();
    Delta denied = delta(DENY, "srv_name", "orders-grpc", "route_kind", "default", "route_name", "default",
        "client_id", M1.value());
    ManagedChannel channel = NettyChannelBuilder.forAddress(mesh.via(mesh.frontend, mesh.grpc.port())).usePlaintext().build();
    try {
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, GrpcOrders.GET, deadline(),
          GrpcOrders.item("17", new byte[] {1, 2, 3})))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).contains("unauthorized request on route");
            // grpc-message reaches the app; l5d-proxy-error is stripped by M1's own proxy.
            assertThat(e.getTrailers().get(Metadata.Key.of("l5d-proxy-error", Metadata.ASCII_STRING_MARSHALLER)))
                .isNull();
          });
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(mesh.grpc.messages.get()).as("the app received nothing").isEqualTo(before);
    assertThat(denied.get()).isEqualTo(1);
  }

  @Test
  void S43_aGrpcServerWithAnAuthorizationPolicyTellsUnmeshedCallersNothing() throws Exception {
    mesh.apply(ORDERS_GRPC + """
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: grpc-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: orders-grpc}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        """);
    mesh.awaitServer(mesh.grpc.port(), "orders-grpc", "grpc-frontend");
    Delta allowed = delta(ALLOW, "srv_name", "orders-grpc", "authz_name", "grpc-frontend", "client_id", M1.value());
    Delta denied = delta(DENY, "srv_name", "orders-grpc", "tls", "no_identity");

    ManagedChannel meshed = NettyChannelBuilder.forAddress(mesh.via(mesh.frontend, mesh.grpc.port())).usePlaintext().build();
    InetSocketAddress web = mesh.plain(mesh.grpc.port());
    ManagedChannel plain = NettyChannelBuilder.forAddress(web).usePlaintext()
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attrs) {
            return new InetSocketAddress(U1_IP, 0);
          }
        }).build();
    try {
      byte[] request = GrpcOrders.item("17", new byte[] {9, 8, 7});
      assertThat(ClientCalls.blockingUnaryCall(meshed, GrpcOrders.GET, deadline(), request))
          .isEqualTo(GrpcOrders.served(request));
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(plain, GrpcOrders.GET, deadline(), request))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getTrailers().keys()).doesNotContain("l5d-proxy-error", "grpc-message");
          });
    } finally {
      meshed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(allowed.get()).isEqualTo(1);
    assertThat(denied.get()).isEqualTo(1);
  }

  @Test
  void S44_anOpaqueServerWithoutAuthorizationsClosesConnections() throws Exception {
    mesh.apply(ECHO_TCP);
    mesh.awaitServer(mesh.echoPort(), "echo-tcp");
    int before = mesh.echo.accepted.get();
    Delta m1Denied = delta(TCP_DENY, "srv_name", "echo-tcp", "srv_kind", "server", "client_id", M1.value());
    Delta u1Denied = delta(TCP_DENY, "srv_name", "echo-tcp", "tls", "no_identity");

    assertThat(exchange(mesh.plain(mesh.echoPort()), U1_IP, "hello\n")).as("U1").isNull();
    assertThat(exchange(mesh.via(mesh.frontend, mesh.echoPort()), null, "hello\n")).as("M1").isNull();

    assertThat(mesh.echo.accepted.get()).as("the app accepted nothing").isEqualTo(before);
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(m1Denied.get()).isEqualTo(1);
      assertThat(u1Denied.get()).isEqualTo(1);
    });
  }

  @Test
  void S45_anOpaqueServerWithAnAuthorizationPolicyAdmitsOnlyItsClient() throws Exception {
    mesh.apply(ECHO_TCP + "---\n" + ECHO_FRONTEND);
    mesh.awaitServer(mesh.echoPort(), "echo-tcp", "echo-frontend");
    Delta m1Allowed = delta(TCP_ALLOW, "srv_name", "echo-tcp", "authz_kind", "authorizationpolicy",
        "authz_name", "echo-frontend", "client_id", M1.value());
    Delta u1Denied = delta(TCP_DENY, "srv_name", "echo-tcp", "tls", "no_identity");

    assertThat(exchange(mesh.via(mesh.frontend, mesh.echoPort()), null, "hello\n")).isEqualTo("hello");
    assertThat(exchange(mesh.plain(mesh.echoPort()), U1_IP, "hello\n")).isNull();
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      assertThat(m1Allowed.get()).isEqualTo(1);
      assertThat(u1Denied.get()).isEqualTo(1);
    });
  }

  @Test
  void S47_aKeepAliveConnectionSeesEachPolicyChangeOnItsNextRequest() throws Exception {
    mesh.apply(WEB_HTTP);
    mesh.awaitServer(mesh.http.port(), "web-http");
    InetSocketAddress web = mesh.plain(mesh.http.port());
    try (Socket s = bound(U1_IP)) {
      s.connect(web, 5000);
      s.setSoTimeout(10_000);
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();

      assertThat(request(out, in)).containsEntry(":status", "403").doesNotContainKey("connection");

      mesh.apply("""
          apiVersion: policy.linkerd.io/v1alpha1
          kind: AuthorizationPolicy
          metadata: {name: web-net, namespace: shop}
          spec:
            targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
            requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: shop-pods}]
          """);
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.curlPlain(U1_IP, "GET", "/orders").status() == 200);
      double allowedBefore = mesh.metric(ALLOW, labels("authz_name", "web-net"));
      assertThat(request(out, in)).containsEntry(":status", "200");
      assertThat(mesh.metric(ALLOW, labels("authz_name", "web-net"))).isEqualTo(allowedBefore + 1);

      double terminated = mesh.metric(TCP_TERMINATE, Map.of());
      mesh.delete(ResourceRef.of(Kind.AUTHORIZATION_POLICY, "shop", "web-net"));
      await().atMost(Duration.ofSeconds(10)).until(() -> mesh.curlPlain(U1_IP, "GET", "/orders").status() == 403);
      assertThat(request(out, in)).containsEntry(":status", "403");
      assertThat(s.isClosed()).isFalse();
      assertThat(request(out, in)).as("still open").containsEntry(":status", "403");
      assertThat(mesh.metric(TCP_TERMINATE, Map.of())).isEqualTo(terminated);
    }
  }

  @Test
  void S48_revokingAnOpaqueConnectionsAuthorizationClosesIt() throws Exception {
    mesh.apply(ECHO_TCP + "---\n" + ECHO_FRONTEND);
    mesh.awaitServer(mesh.echoPort(), "echo-tcp", "echo-frontend");
    Map<String, String> terminated = labels("srv_name", "echo-tcp", "client_id", M1.value());
    double before = mesh.metric(TCP_TERMINATE, terminated);

    try (Socket s = new Socket()) {
      s.connect(mesh.via(mesh.frontend, mesh.echoPort()), 5000);
      s.setSoTimeout(15_000);
      s.getOutputStream().write("one\n".getBytes(StandardCharsets.US_ASCII));
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
      assertThat(in.readLine()).isEqualTo("one");

      mesh.delete(ResourceRef.of(Kind.AUTHORIZATION_POLICY, "shop", "echo-frontend"));
      assertThat(readEnd(s.getInputStream())).as("the proxy closed the open connection").isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> mesh.metric(TCP_TERMINATE, terminated) == before + 1);
    assertThat(exchange(mesh.via(mesh.frontend, mesh.echoPort()), null, "two\n")).as("a new connection").isNull();
  }

  @Test
  void failClosed_aPortWhosePolicyNeverArrivesDeniesAllButLocalhost() throws Exception {
    // The web proxy's watch for a port the control plane was never asked about starts at first use and
    // answers at once; to see "no answer yet", stop the policy service's answers by asking for a pod
    // the store does not have, through a second proxy.
    try (var ghost = dev.lattice.proxy.policy.InboundPolicies.builder(dev.lattice.proxy.policy.PolicyConfig
            .staticDefault(dev.lattice.policy.DefaultPolicy.ALL_UNAUTHENTICATED, java.util.List.of())
            .withService(new dev.lattice.proxy.env.HostAndPort("127.0.0.1", mesh.policyServer.address().getPort()),
                "{\"ns\":\"shop\",\"pod\":\"ghost\"}")
            .withPending(dev.lattice.proxy.policy.PolicyConfig.Pending.DENY, Duration.ofMillis(300))
            .withBackoff(Duration.ofMillis(50), Duration.ofMillis(200))).build().start()) {
      var registry = new dev.lattice.proxy.metrics.MetricsRegistry();
      var proxy = dev.lattice.proxy.Proxy.start(
          dev.lattice.proxy.config.ProxyConfig.parse(Map.of("LINKERD2_PROXY_INBOUND_LISTEN_ADDR", "127.0.0.1:0",
              "LINKERD2_PROXY_OUTBOUND_LISTEN_ADDR", "127.0.0.1:0", "LINKERD2_PROXY_CORES", "1")),
          new dev.lattice.proxy.ProxyRuntime(new dev.lattice.proxy.identity.StaticCredentialSource(
              mesh.pki.leaf(PolicyMesh.WEB)), t -> java.util.concurrent.CompletableFuture.completedFuture(
              dev.lattice.proxy.discovery.Endpoint.unmeshed(t)),
              ch -> new dev.lattice.proxy.transport.OrigDstAddr(new InetSocketAddress("127.0.0.1", mesh.http.port())),
              registry, java.time.Clock.systemUTC())
              .withAuthorizer(new dev.lattice.proxy.policy.InboundAuthorizer(ghost,
                  new dev.lattice.proxy.policy.PolicyMetrics(registry))));
      try {
        String url = "http://127.0.0.1:" + proxy.inboundAddress().getPort() + "/orders";
        Processes.Result u1 = Processes.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--interface", U1_IP, url);
        assertThat(u1.out()).isEqualTo("403");
        Processes.Result local = Processes.run("curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", url);
        assertThat(local.out()).as("127.0.0.1 is admitted by default:localhost").isEqualTo("200");
        assertThat(dev.lattice.proxy.testing.MetricsText.sum(registry, DENY,
            labels("srv_kind", "default", "srv_name", "deny"))).isEqualTo(1);
      } finally {
        proxy.close();
      }
    }
  }

  // ---- helpers

  /** A counter's growth since it was created. */
  private final class Delta {
    private final String name;
    private final Map<String, String> labels;
    private final double start;

    Delta(String name, Map<String, String> labels) {
      this.name = name;
      this.labels = labels;
      this.start = mesh.metric(name, labels);
    }

    double get() {
      return mesh.metric(name, labels) - start;
    }
  }

  private Delta delta(String name, String... kv) {
    return new Delta(name, labels(kv));
  }

  private String port() {
    return Integer.toString(mesh.http.port());
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS);
  }

  private static Map<String, String> labels(String... kv) {
    Map<String, String> out = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.put(kv[i], kv[i + 1]);
    }
    return out;
  }

  private static Map<String, String> with(Map<String, String> base, String... kv) {
    Map<String, String> out = new HashMap<>(base);
    out.putAll(labels(kv));
    return out;
  }

  private static Socket bound(String sourceIp) throws IOException {
    Socket s = new Socket();
    if (sourceIp != null) {
      s.bind(new InetSocketAddress(sourceIp, 0));
    }
    return s;
  }

  /** Connects (from {@code sourceIp} if given), writes {@code line}; the echoed line, or null if closed first. */
  private static String exchange(InetSocketAddress to, String sourceIp, String line) throws IOException {
    try (Socket s = bound(sourceIp)) {
      s.connect(to, 5000);
      s.setSoTimeout(15_000);
      try {
        s.getOutputStream().write(line.getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      } catch (SocketException reset) {
        return null; // reset by the proxy: closed without data
      }
    }
  }

  /** True once the stream ends (EOF or reset) without delivering more data. */
  private static boolean readEnd(InputStream in) throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** One {@code GET /orders} on an open HTTP/1.1 connection; the status as ":status" plus the headers. */
  private static Map<String, String> request(OutputStream out, BufferedReader in) throws IOException {
    out.write("GET /orders HTTP/1.1\r\nHost: web\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    Map<String, String> headers = new HashMap<>();
    String status = in.readLine();
    assertThat(status).as("a response").isNotNull();
    headers.put(":status", status.split(" ")[1]);
    String line;
    while ((line = in.readLine()) != null && !line.isEmpty()) {
      int colon = line.indexOf(':');
      headers.put(line.substring(0, colon).toLowerCase(java.util.Locale.ROOT), line.substring(colon + 1).strip());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    for (int i = 0; i < length; i++) {
      in.read();
    }
    return headers;
  }
}
