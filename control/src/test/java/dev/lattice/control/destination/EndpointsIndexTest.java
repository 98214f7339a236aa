package dev.lattice.control.destination;

import static dev.lattice.control.destination.Fixtures.NS;
import static dev.lattice.control.destination.Fixtures.service;
import static dev.lattice.control.destination.Fixtures.target;
import static dev.lattice.control.destination.Fixtures.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.destination.Endpoint.ProtocolHint;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.PortSpec;
import dev.lattice.control.store.Snapshot;
import dev.lattice.control.store.Workload;
import dev.lattice.pki.IdentityName;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointsIndexTest {
  private final EndpointsIndex index = new EndpointsIndex(DestinationConfig.defaults());

  private EndpointView.Endpoints endpoints(Target target) throws Exception {
    return (EndpointView.Endpoints) index.view(target);
  }

  @Test
  void aMeshedReadyWorkloadIsAnEndpointWithIdentityAndH2() throws Exception {
    index.resync(Snapshot.of(List.of(Namespace.of(NS), service("web", null), workload("web-0", "web", "10.42.0.5"))));

    EndpointView.Endpoints view = endpoints(target("web", 80));

    assertThat(view.setLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("namespace", NS, "service", "web-svc"));
    assertThat(view.endpoints().values())
        .containsExactly(
            new Endpoint(
                new Endpoint.Address(InetAddress.ofLiteral("10.42.0.5"), 8080),
                Map.of(
                    "pod", "web-0",
                    "namespace", NS,
                    "serviceaccount", "web",
                    "control_plane_ns", "linkerd"),
                Optional.of(new IdentityName("web.emojivoto.serviceaccount.identity.linkerd.cluster.local")),
                ProtocolHint.H2,
                0));
  }

  @Test
  void onlyReadySelectedWorkloadsWithAnAddressAndTheNamedPortCount() throws Exception {
    Workload noNamedPort =
        new Workload("web-3", NS, "web", Map.of("app", "web"), Map.of(), List.of(Workload.Container.of("c")),
            InetAddress.ofLiteral("10.42.0.9"), true);
    Workload otherNamespace =
        new Workload("web-4", "elsewhere", "web", Map.of("app", "web"), Map.of(),
            workload("x", "web", null).containers(), InetAddress.ofLiteral("10.42.0.10"), true);
    index.resync(
        Snapshot.of(
            List.of(
                service("web", null),
                workload("web-0", "web", "10.42.0.5"),
                workload("web-1", "web", null), // not running yet
                workload("web-2", "web", "10.42.0.7").withStatus(InetAddress.ofLiteral("10.42.0.7"), false),
                workload("voting-0", "voting", "10.42.0.8"),
                noNamedPort,
                otherNamespace)));

    assertThat(endpoints(target("web", 80)).endpoints().keySet())
        .containsExactly(new Endpoint.Address(InetAddress.ofLiteral("10.42.0.5"), 8080));
    // A numeric target port needs no named port; a port the service lacks is used as-is.
    assertThat(endpoints(target("web", 3306)).endpoints().keySet())
        .extracting(Endpoint.Address::toString)
        .containsExactly("10.42.0.5:3306", "10.42.0.9:3306");
    assertThat(endpoints(target("web", 9999)).endpoints().keySet())
        .extracting(Endpoint.Address::toString)
        .containsExactly("10.42.0.5:9999", "10.42.0.9:9999");
  }

  @Test
  void unmeshedOrForeignWorkloadsGetNeitherIdentityNorHint() throws Exception {
    Workload plain = workload("web-0", "web", "10.42.0.5").withLabels(Map.of("app", "web"));
    Workload foreign =
        workload("web-1", "web", "10.42.0.6")
            .withLabels(Map.of("app", "web", MeshKeys.CONTROL_PLANE_NS_LABEL, "other-mesh"));
    index.resync(Snapshot.of(List.of(service("web", null), plain, foreign)));

    assertThat(endpoints(target("web", 80)).endpoints().values())
        .allSatisfy(
            e -> {
              assertThat(e.identity()).isEmpty();
              assertThat(e.hint()).isEqualTo(ProtocolHint.NONE);
              assertThat(e.opaqueTransportPort()).isZero();
            });
    assertThat(endpoints(target("web", 80)).endpoints().values())
        .extracting(e -> e.metricLabels().get("control_plane_ns"))
        .containsExactly(null, "other-mesh");
  }

  @Test
  void opaquePortsComeFromTheWorkloadElseTheNamespaceElseTheDefaults() throws Exception {
    Workload annotated = workload("web-0", "web", "10.42.0.5").withAnnotations(Map.of(MeshKeys.OPAQUE_PORTS, "http"));
    index.resync(Snapshot.of(List.of(service("web", null), annotated, workload("web-1", "web", "10.42.0.6"))));

    Map<String, ProtocolHint> hints80 = hints(target("web", 80));
    Map<String, ProtocolHint> hints3306 = hints(target("web", 3306));
    // web-0 lists only "http" (8080): its 3306 is no longer opaque; web-1 uses the defaults.
    assertThat(hints80).containsExactlyInAnyOrderEntriesOf(
        Map.of("10.42.0.5:8080", ProtocolHint.OPAQUE, "10.42.0.6:8080", ProtocolHint.H2));
    assertThat(hints3306).containsExactlyInAnyOrderEntriesOf(
        Map.of("10.42.0.5:3306", ProtocolHint.H2, "10.42.0.6:3306", ProtocolHint.OPAQUE));
    assertThat(endpoints(target("web", 3306)).endpoints().values())
        .filteredOn(e -> e.hint() == ProtocolHint.OPAQUE)
        .extracting(Endpoint::opaqueTransportPort)
        .containsExactly(4143);

    index.apply(new Namespace(NS, Map.of(), Map.of(MeshKeys.OPAQUE_PORTS, "8000-8100")));
    assertThat(hints(target("web", 80))).containsEntry("10.42.0.6:8080", ProtocolHint.OPAQUE);
    assertThat(hints(target("web", 3306))).containsEntry("10.42.0.6:3306", ProtocolHint.H2);
  }

  @Test
  void aNamespaceOpaquePortsChangeReachesOnlyWorkloadsCreatedAfterIt() throws Exception {
    // web-0 was created while the namespace listed 8080 as opaque; web-1 when it listed nothing.
    Workload before = workload("web-0", "web", "10.42.0.5").withInherited(Map.of(MeshKeys.OPAQUE_PORTS, "8080"));
    Workload after = workload("web-1", "web", "10.42.0.6").withInherited(Map.of());
    index.resync(Snapshot.of(List.of(new Namespace(NS, Map.of(), Map.of(MeshKeys.OPAQUE_PORTS, "9000")),
        service("web", null), before, after)));

    // The namespace says 9000 now, but each workload keeps what it took at creation (the
    // injector copies the annotation onto the pod), as the policy index does.
    assertThat(hints(target("web", 80))).containsExactlyInAnyOrderEntriesOf(
        Map.of("10.42.0.5:8080", ProtocolHint.OPAQUE, "10.42.0.6:8080", ProtocolHint.H2));
    assertThat(hints(target("web", 3306))).as("an empty record falls back to the default opaque ports")
        .containsEntry("10.42.0.6:3306", ProtocolHint.OPAQUE);
  }

  @Test
  void everyDefaultOpaquePortIsOpaque() throws Exception {
    index.resync(Snapshot.of(List.of(service("web", null), workload("web-0", "web", "10.42.0.5"))));
    for (int port : new int[] {25, 587, 3306, 4444, 5432, 6379, 9300, 11211}) {
      assertThat(hints(target("web", port)).values()).as("port %d", port).containsExactly(ProtocolHint.OPAQUE);
    }
    assertThat(DestinationConfig.DEFAULT_OPAQUE_PORTS).isEqualTo(PortSpec.of(25, 587, 3306, 4444, 5432, 6379, 9300, 11211));
  }

  @Test
  void skippedInboundPortsAreReachedWithoutIdentity() throws Exception {
    Workload skipping =
        workload("web-0", "web", "10.42.0.5").withAnnotations(Map.of(MeshKeys.SKIP_INBOUND_PORTS, "8080"));
    index.resync(Snapshot.of(List.of(service("web", null), skipping)));

    Endpoint on8080 = endpoints(target("web", 80)).endpoints().values().iterator().next();
    Endpoint on3306 = endpoints(target("web", 3306)).endpoints().values().iterator().next();
    assertThat(on8080.identity()).isEmpty();
    assertThat(on8080.hint()).isEqualTo(ProtocolHint.NONE);
    assertThat(on3306.identity()).isPresent();
  }

  @Test
  void identityCanBeTurnedOff() throws Exception {
    DestinationConfig d = DestinationConfig.defaults();
    EndpointsIndex noIdentity =
        new EndpointsIndex(new DestinationConfig(d.clusterDomain(), d.controlPlaneNamespace(), d.trustDomain(),
            false, d.defaultOpaquePorts(), d.proxyInboundPort()));
    noIdentity.resync(Snapshot.of(List.of(service("web", null), workload("web-0", "web", "10.42.0.5"))));
    Endpoint e = ((EndpointView.Endpoints) noIdentity.view(target("web", 80))).endpoints().values().iterator().next();
    assertThat(e.identity()).isEmpty();
    assertThat(e.hint()).isEqualTo(ProtocolHint.H2);
  }

  @Test
  void watchersSeeEachChangeOfTheirServiceAndNothingElse() throws Exception {
    index.resync(Snapshot.of(List.of(service("web", null), service("voting", null))));
    List<EndpointView> seen = new ArrayList<>();
    index.watch(target("web", 80), seen::add);

    Workload web0 = workload("web-0", "web", "10.42.0.5");
    index.apply(web0);
    index.apply(workload("voting-0", "voting", "10.42.0.6")); // another service: no publish
    index.apply(web0); // unchanged: no publish
    index.apply(web0.withStatus(web0.ip(), false)); // the app died: unready
    index.delete(web0);
    index.delete(service("web", null));

    assertThat(seen).hasSize(4);
    assertThat(((EndpointView.Endpoints) seen.get(0)).endpoints()).isEmpty();
    assertThat(((EndpointView.Endpoints) seen.get(1)).endpoints()).hasSize(1);
    assertThat(((EndpointView.Endpoints) seen.get(2)).endpoints()).isEmpty();
    assertThat(seen.get(3)).isEqualTo(new EndpointView.NoService());
  }

  @Test
  void aClosedSubscriptionHearsNothingMore() throws Exception {
    index.resync(Snapshot.of(List.of(service("web", null))));
    List<EndpointView> seen = new ArrayList<>();
    index.watch(target("web", 80), seen::add).close();
    index.apply(workload("web-0", "web", "10.42.0.5"));
    assertThat(seen).hasSize(1);
  }

  @Test
  void aVirtualIpResolvesToItsService() throws Exception {
    index.resync(Snapshot.of(List.of(service("web", "10.96.0.10"), workload("web-0", "web", "10.42.0.5"))));
    assertThat(index.view(new Target.VirtualIp(InetAddress.ofLiteral("10.96.0.10"), 80)))
        .isEqualTo(index.view(target("web", 80)));
    assertThatThrownBy(() -> index.view(new Target.VirtualIp(InetAddress.ofLiteral("10.42.0.5"), 8080)))
        .isInstanceOf(InvalidDestinationException.class)
        .hasMessage("IP queries not supported by Get API");
  }

  @Test
  void anUnknownServiceIsReportedAsSuch() {
    index.resync(Snapshot.of(List.of(service("web", null))));
    assertThatThrownBy(() -> index.watch(target("nope", 80), v -> {}))
        .isInstanceOf(UnknownServiceException.class)
        .hasMessage("no service nope-svc.emojivoto:80");
  }

  private Map<String, ProtocolHint> hints(Target target) throws Exception {
    Map<String, ProtocolHint> hints = new HashMap<>();
    endpoints(target).endpoints().forEach((a, e) -> hints.put(a.toString(), e.hint()));
    return hints;
  }
}
