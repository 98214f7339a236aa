package dev.lattice.proxy.inbound;

import static dev.lattice.proxy.testing.PolicyMesh.U1_IP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.lattice.api.inbound.Server;
import dev.lattice.control.policy.api.InboundServers;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Network;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Route;
import dev.lattice.proxy.policy.PortState;
import dev.lattice.proxy.testing.GrpcOrders;
import dev.lattice.proxy.testing.MetricsText;
import dev.lattice.proxy.testing.PolicyMesh;
import dev.lattice.proxy.testing.PolicyMesh.Curl;
import dev.lattice.proxy.testing.Processes;
import dev.lattice.proxy.testing.ScriptedPolicyService;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Spec §2.2/§2.5 end to end: a controller answer the proxy cannot enforce exactly installs the invalid
 * policy for that port. Real clients (curl, grpc-java, a raw socket) through the real proxy pair of
 * {@link PolicyMesh}, the web proxy watching a {@link ScriptedPolicyService} on a real gRPC port,
 * because Lattice's own controller never sends such an answer; a newer or broken one would.
 *
 * <p>While the invalid policy is in force, HTTP requests get 500 (with {@code connection: close} on
 * HTTP/1.1, and {@code l5d-proxy-error: … invalid server configuration …} for meshed clients only),
 * gRPC calls get status 13 (INTERNAL), other connections are closed, and the application sees
 * nothing. It is never an allowing fallback, and the proxy keeps watching: the next valid answer
 * replaces it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidPolicyEndToEndTest {
  private static final List<Network> LOOPBACK = List.of(Network.parse("127.0.0.0/8"));
  private static final String RESPONSES = "response_total";
  private static final String ALLOW = "inbound_http_authz_allow_total";
  private static final String INVALID = "invalid server configuration";

  private ScriptedPolicyService controller;
  private PolicyMesh mesh;

  @BeforeAll
  void start() throws IOException {
    assumeTrue(Processes.available("curl"), "curl is not installed");
    // Until a test scripts a port, every port gets the all-unauthenticated default, as from the
    // real control plane.
    controller = new ScriptedPolicyService(port -> InboundServers.encode(
        PortPolicy.ofDefault(DefaultPolicy.ALL_UNAUTHENTICATED, LOOPBACK, false, List.of(), Network.ALL)));
    mesh = new PolicyMesh(controlPlane -> controller.address());
  }

  @AfterAll
  void stop() throws Exception {
    if (mesh != null) {
      mesh.close();
    }
    if (controller != null) {
      controller.close();
    }
  }

  @AfterEach
  void reset() {
    for (int port : List.of(mesh.http.port(), mesh.grpc.port(), mesh.echoPort())) {
      controller.unscript(port);
    }
    mesh.reset();
  }

  @Test
  void aRouteFilterThisProxyDoesNotImplementMakesHttpAnswer500() {
    int port = mesh.http.port();
    // A newer controller's answer: an HTTP/1 Server admitting everyone, whose route carries a filter.
    controller.serve(port, withRouteFilter(InboundServers.encode(new PortPolicy(
        Meta.of("policy.linkerd.io", "server", "web-http"), ProxyProtocol.HTTP1,
        List.of(everyone()), List.of(Route.defaultRoute())))));
    mesh.awaitPolicy(port, PortState::isInvalid);
    assertThat(mesh.webPolicies.current(port).problem()).contains("does not implement");
    int appRequests = mesh.http.requests.get();
    double allowedBefore = mesh.metric(ALLOW, Map.of());
    double failedBefore = clientResponses("status_code", "500", "classification", "failure");

    Curl unmeshed = mesh.curlPlain(U1_IP, "GET", "/orders");
    Curl meshedTls = mesh.curlMtls("m1", PolicyMesh.M1_IP, "GET", "/orders");
    Curl viaClientProxy = mesh.curlMeshed(mesh.frontend, "GET", "/orders");

    assertThat(unmeshed.status()).as(unmeshed.raw()).isEqualTo(500);
    assertThat(unmeshed.headers()).containsEntry("connection", "close").doesNotContainKey("l5d-proxy-error");
    assertThat(meshedTls.status()).as(meshedTls.raw()).isEqualTo(500);
    assertThat(meshedTls.headers()).containsEntry("connection", "close");
    assertThat(meshedTls.headers().get("l5d-proxy-error")).contains(INVALID);
    assertThat(viaClientProxy.status()).as(viaClientProxy.raw()).isEqualTo(500);

    assertThat(mesh.http.requests.get()).as("the app received nothing").isEqualTo(appRequests);
    assertThat(mesh.metric(ALLOW, Map.of())).as("never counted as allowed").isEqualTo(allowedBefore);
    assertThat(clientResponses("status_code", "500", "classification", "failure"))
        .as("M1's proxy counts the refused request as a failed 500").isEqualTo(failedBefore + 1);

    // Still watching: the next valid answer replaces the invalid policy without a restart.
    controller.serve(port, InboundServers.encode(new PortPolicy(Meta.of("policy.linkerd.io", "server", "web-http"),
        ProxyProtocol.HTTP1, List.of(everyone()), List.of(Route.defaultRoute()))));
    mesh.awaitServer(port, "web-http", "everyone");
    assertThat(mesh.curlPlain(U1_IP, "GET", "/orders").status()).isEqualTo(200);
    assertThat(mesh.http.requests.get()).isEqualTo(appRequests + 1);
  }

  @Test
  void anAuthorizationWithoutNetworksMakesGrpcAnswerInternal() throws Exception {
    int port = mesh.grpc.port();
    // As Linkerd's proxy, an Authz without networks makes the whole Server invalid (it admits no one,
    // but the proxy cannot tell a bug from intent).
    Server valid = InboundServers.encode(new PortPolicy(Meta.of("policy.linkerd.io", "server", "orders-grpc"),
        ProxyProtocol.GRPC, List.of(everyone()), List.of(Route.defaultGrpcRoute())));
    Server.Builder broken = valid.toBuilder();
    broken.getAuthorizationsBuilder(0).clearNetworks();
    controller.serve(port, broken.build());
    mesh.awaitPolicy(port, PortState::isInvalid);
    int appMessages = mesh.grpc.messages.get();
    double failedBefore = clientResponses("grpc_status", "13", "classification", "failure");

    byte[] request = GrpcOrders.item("17", new byte[] {4, 2});
    ManagedChannel meshed = NettyChannelBuilder.forAddress(mesh.via(mesh.frontend, port)).usePlaintext().build();
    ManagedChannel plain = NettyChannelBuilder.forAddress(mesh.plain(port)).usePlaintext()
        .localSocketPicker(new NettyChannelBuilder.LocalSocketPicker() {
          @Override
          public java.net.SocketAddress createSocketAddress(java.net.SocketAddress remote, io.grpc.Attributes attrs) {
            return new InetSocketAddress(U1_IP, 0);
          }
        }).build();
    try {
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(meshed, GrpcOrders.GET, deadline(), request))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(e.getStatus().getCode().value()).isEqualTo(13);
            assertThat(e.getStatus().getDescription()).contains(INVALID);
          });
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(plain, GrpcOrders.GET, deadline(), request))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            // An unmeshed caller learns nothing about the proxy's configuration.
            assertThat(e.getTrailers().get(Metadata.Key.of("l5d-proxy-error", Metadata.ASCII_STRING_MARSHALLER)))
                .isNull();
            assertThat(String.valueOf(e.getStatus().getDescription())).doesNotContain(INVALID);
          });
    } finally {
      meshed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(mesh.grpc.messages.get()).as("the app received nothing").isEqualTo(appMessages);
    assertThat(clientResponses("grpc_status", "13", "classification", "failure"))
        .as("M1's proxy counts the refused call as failed with grpc-status 13").isEqualTo(failedBefore + 1);
  }

  @Test
  void anInvalidOpaqueServerClosesConnectionsUnforwarded() throws Exception {
    int port = mesh.echoPort();
    Server.Builder broken = InboundServers.encode(new PortPolicy(Meta.of("policy.linkerd.io", "server", "echo-tcp"),
        ProxyProtocol.OPAQUE, List.of(everyone()), List.of())).toBuilder();
    broken.getAuthorizationsBuilder(0).clearNetworks();
    controller.serve(port, broken.build());
    mesh.awaitPolicy(port, PortState::isInvalid);
    int accepted = mesh.echo.accepted.get();

    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(U1_IP, 0));
      s.connect(mesh.plain(port), 5000);
      s.setSoTimeout(15_000);
      try {
        s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        assertThat(in.read()).as("closed without a byte").isEqualTo(-1);
      } catch (SocketException reset) {
        // A reset is a close too.
      }
    }
    assertThat(mesh.echo.accepted.get()).as("the app never saw a connection").isEqualTo(accepted);
  }

  // ---- helpers

  private double clientResponses(String... kv) {
    Map<String, String> labels = new java.util.HashMap<>(Map.of("direction", "outbound"));
    for (int i = 0; i < kv.length; i += 2) {
      labels.put(kv[i], kv[i + 1]);
    }
    return MetricsText.sum(mesh.clientMetrics(mesh.frontend), RESPONSES, labels);
  }

  private static dev.lattice.policy.Authorization everyone() {
    return new dev.lattice.policy.Authorization(Meta.of("policy.linkerd.io", "authorizationpolicy", "everyone"),
        Network.ALL, new dev.lattice.policy.Authentication.Unauthenticated());
  }

  /**
   * {@code server} with a filter on its first HTTP route's first rule, as field 2 of {@code
   * HttpRoute.Rule}, where Linkerd's API carries route filters and Lattice's leaves the number reserved.
   */
  private static Server withRouteFilter(Server server) {
    Server.Builder b = server.toBuilder();
    var rule = b.getProtocolBuilder().getHttp1Builder().getRoutesBuilder(0).getRulesBuilder(0);
    // What the filter says does not matter: this proxy does not know the field, so cannot apply it.
    ByteString filter = ByteString.copyFromUtf8("request-header-modifier: set x-added=yes");
    rule.setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(2, UnknownFieldSet.Field.newBuilder().addLengthDelimited(filter).build()).build());
    return b.build();
  }

  private static CallOptions deadline() {
    return CallOptions.DEFAULT.withDeadlineAfter(15, TimeUnit.SECONDS);
  }
}
