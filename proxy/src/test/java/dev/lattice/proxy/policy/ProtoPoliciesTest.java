package dev.lattice.proxy.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UnknownFieldSet;
import dev.lattice.api.inbound.Authz;
import dev.lattice.api.inbound.HttpRoute;
import dev.lattice.api.inbound.ProxyProtocol;
import dev.lattice.api.inbound.Server;
import dev.lattice.control.policy.PolicyConfig;
import dev.lattice.control.policy.PolicyIndex;
import dev.lattice.control.policy.api.InboundServers;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.Authentication;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Network;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The control plane's encoder and the proxy's decoder agree: every policy the index computes from the
 * corpus, under every cluster default, comes back equal after a trip through the wire format. And a
 * {@code Server} the proxy cannot enforce exactly is refused with a reason.
 */
class ProtoPoliciesTest {
  @ParameterizedTest
  @EnumSource(DefaultPolicy.class)
  void everyCorpusPolicyRoundTripsThroughTheWire(DefaultPolicy clusterDefault) throws Exception {
    List<List<Resource>> sets = List.of(
        PolicyCorpus.base(),
        concat(PolicyCorpus.base(), PolicyCorpus.catalogue()),
        concat(PolicyCorpus.base(), PolicyCorpus.catalogue(), PolicyCorpus.extras()));
    int checked = 0;
    for (List<Resource> resources : sets) {
      PolicyIndex index = new PolicyIndex(PolicyConfig.defaults().withClusterDefault(clusterDefault));
      try (InMemoryStore store = InMemoryStore.of(resources); var w = store.watch(index)) {
        Workload web = index.workload("shop", "web").orElseThrow();
        for (int port : List.of(8080, 9090, 9000, 7000, 4191, 5432)) {
          PortPolicy policy = index.portPolicy(web, port).policy();
          Server wire = Server.parseFrom(InboundServers.encode(policy).toByteArray());
          assertThat(ProtoPolicies.decode(wire)).as("%s port %d", clusterDefault, port).isEqualTo(policy);
          checked++;
        }
      }
    }
    assertThat(checked).isEqualTo(18);
  }

  @Test
  void theCorpusReachesEveryShapeOfTheModel() {
    PolicyIndex index = new PolicyIndex(PolicyConfig.defaults());
    try (InMemoryStore store = InMemoryStore.of(concat(PolicyCorpus.base(), PolicyCorpus.catalogue(),
        PolicyCorpus.extras())); var w = store.watch(index)) {
      Workload web = index.workload("shop", "web").orElseThrow();
      PortPolicy http = index.portPolicy(web, 8080).policy();
      PortPolicy admin = index.portPolicy(web, 9090).policy();
      PortPolicy echo = index.portPolicy(web, 7000).policy();
      PortPolicy grpc = index.portPolicy(web, 9000).policy();
      assertThat(http.routes()).extracting(r -> r.meta().name()).contains("orders-read", "no-rules");
      assertThat(http.routes().stream().filter(r -> r.meta().name().equals("no-rules")).findFirst().orElseThrow()
          .rules()).isEmpty();
      assertThat(admin.authorizations()).anyMatch(a -> a.networks().stream().anyMatch(n -> !n.except().isEmpty())
          && a.authentication() instanceof Authentication.Identities ids && !ids.suffixes().isEmpty()
          && !ids.exact().isEmpty());
      assertThat(echo.authorizations()).anyMatch(a -> a.authentication() instanceof Authentication.MeshTls);
      assertThat(grpc.routes()).singleElement().satisfies(r -> assertThat(r.authorizations()).isNotEmpty());
    }
  }

  @Test
  void theStartTimeDefaultsRoundTripToo() throws Exception {
    for (DefaultPolicy p : DefaultPolicy.values()) {
      for (boolean opaque : List.of(false, true)) {
        PortPolicy policy = PortPolicy.ofDefault(p, Network.defaultClusterNetworks(), opaque, List.of("/ready"),
            Network.ALL);
        assertThat(ProtoPolicies.decode(InboundServers.encode(policy))).isEqualTo(policy);
      }
    }
  }

  @Test
  void hostsMethodsAndIpv6BeyondWhatManifestsAllowRoundTrip() throws Exception {
    Route route = new Route(Meta.of("gateway.networking.k8s.io", "HTTPRoute", "dav"),
        List.of(dev.lattice.policy.HostMatch.parse("*.a.example.com"), dev.lattice.policy.HostMatch.parse("x.y")),
        List.of(new Route.Rule(List.of(new dev.lattice.policy.RouteMatch.Http(null, List.of(), List.of(), "PROPFIND")))),
        List.of(new dev.lattice.policy.Authorization(Meta.ofDefault("probe"),
            List.of(Network.parse("2001:db8::/32", "2001:db8::1"), Network.parse("192.0.2.0/24")),
            new Authentication.Identities(Set.of("spiffe://td/ns/a/sa/b"), List.of("", "ops.serviceaccount")))));
    PortPolicy policy = new PortPolicy(Meta.of("policy.linkerd.io", "server", "dav"),
        dev.lattice.policy.ProxyProtocol.HTTP2, List.of(), List.of(route));
    assertThat(ProtoPolicies.decode(InboundServers.encode(policy))).isEqualTo(policy);
  }

  @Test
  void anEmptyRouteListBecomesTheDefaultRoute() throws Exception {
    Server s = valid().setProtocol(ProxyProtocol.newBuilder().setHttp1(ProxyProtocol.Http1.getDefaultInstance()))
        .build();
    assertThat(ProtoPolicies.decode(s).routes()).containsExactly(Route.defaultRoute());
    Server g = valid().setProtocol(ProxyProtocol.newBuilder().setGrpc(ProxyProtocol.Grpc.getDefaultInstance()))
        .build();
    assertThat(ProtoPolicies.decode(g).routes()).containsExactly(Route.defaultGrpcRoute());
  }

  @Test
  void authorizationsFromOlderControllersAreNamedByTheirLabels() throws Exception {
    Server.Builder s = valid();
    Authz authz = s.getAuthorizations(0).toBuilder().clearMetadata()
        .putLabels("group", "policy.linkerd.io").putLabels("kind", "serverauthorization").putLabels("name", "old")
        .build();
    assertThat(ProtoPolicies.decode(s.setAuthorizations(0, authz).build()).authorizations().getFirst().meta())
        .isEqualTo(Meta.of("policy.linkerd.io", "serverauthorization", "old"));
  }

  @Test
  void whatCannotBeEnforcedExactlyIsRefusedWithAReason() {
    assertInvalid(valid().clearProtocol(), "protocol is missing");
    assertInvalid(valid().setProtocol(ProxyProtocol.newBuilder().setDetect(ProxyProtocol.Detect.getDefaultInstance())),
        "detect.timeout is missing");
    assertInvalid(valid().removeLabels("name"), "labels has no name");
    assertInvalid(valid().setAuthorizations(0, valid().getAuthorizations(0).toBuilder().clearNetworks()),
        "has no networks");
    assertInvalid(valid().setAuthorizations(0, valid().getAuthorizations(0).toBuilder().clearAuthentication()),
        "authentication is missing");
    assertInvalid(valid().setAuthorizations(0, valid().getAuthorizations(0).toBuilder().clearMetadata().clearLabels()),
        "neither metadata nor a name");
    Authz longPrefix = valid().getAuthorizations(0).toBuilder()
        .setNetworks(0, valid().getAuthorizations(0).getNetworks(0).toBuilder()
            .setNet(valid().getAuthorizations(0).getNetworks(0).getNet().toBuilder().setPrefixLen(33)))
        .build();
    assertInvalid(valid().setAuthorizations(0, longPrefix), "prefix /33 is too long");

    HttpRoute route = InboundServers.encode(PortPolicy.ofDefault(DefaultPolicy.DENY, List.of(), false, List.of(),
        List.of())).getProtocol().getDetect().getHttpRoutes(0);
    assertInvalid(withRoute(route.toBuilder().clearMetadata().build()), "metadata is missing");
    HttpRoute badRegex = route.toBuilder().setRules(0, HttpRoute.Rule.newBuilder().addMatches(
        dev.lattice.api.http.HttpRouteMatch.newBuilder().setPath(
            dev.lattice.api.http.PathMatch.newBuilder().setRegex("/items/[0-9")))).build();
    assertInvalid(withRoute(badRegex), "invalid regex '/items/[0-9'");
    // A Linkerd controller's route filter (field 2 of the rule) is unknown here: refuse, do not skip it.
    HttpRoute filtered = route.toBuilder().setRules(0, route.getRules(0).toBuilder().setUnknownFields(
        UnknownFieldSet.newBuilder().addField(2, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(com.google.protobuf.ByteString.copyFromUtf8("x")).build()).build())).build();
    assertInvalid(withRoute(filtered), "route filters are not supported");
  }

  // ---- helpers

  private static Server.Builder valid() {
    PortPolicy p = PortPolicy.ofDefault(DefaultPolicy.ALL_UNAUTHENTICATED, List.of(), false, List.of(), List.of());
    return InboundServers.encode(p).toBuilder();
  }

  private static Server.Builder withRoute(HttpRoute route) {
    return valid().setProtocol(ProxyProtocol.newBuilder().setHttp1(ProxyProtocol.Http1.newBuilder().addRoutes(route)));
  }

  private static void assertInvalid(Server.Builder server, String reason) {
    assertThatThrownBy(() -> ProtoPolicies.decode(server.build()))
        .isInstanceOf(InvalidServerException.class).hasMessageContaining(reason);
  }

  @SafeVarargs
  private static List<Resource> concat(List<Resource>... lists) {
    List<Resource> out = new ArrayList<>();
    for (List<Resource> l : lists) {
      out.addAll(l);
    }
    return out;
  }
}
