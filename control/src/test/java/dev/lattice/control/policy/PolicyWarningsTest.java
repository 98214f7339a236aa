package dev.lattice.control.policy;

import static dev.lattice.control.policy.PolicyFixture.given;
import static dev.lattice.control.policy.ScenariosTest.authorizationPolicy;
import static dev.lattice.control.policy.ScenariosTest.httpRoute;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.control.policy.PolicyWarning.BlockedProbe;
import dev.lattice.control.policy.PolicyWarning.DefaultPolicyDrift;
import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.Workload;
import dev.lattice.control.store.Workload.ProbeKind;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Ip;
import dev.lattice.policy.Network;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyWarnings} on spec §4.1's fixture: the workload {@code web} in {@code shop} with a
 * liveness probe {@code GET /live} on 8080 and a readiness probe {@code GET /ready} on port {@code http}
 * (8080); findings list liveness before readiness.
 */
class PolicyWarningsTest {
  private static final String KEY = PolicyIndex.DEFAULT_POLICY_KEY;
  private static final String ALL_NETWORKS = "{group: policy.linkerd.io, kind: NetworkAuthentication, name: everywhere}";
  private static final String EVERYWHERE = """
      apiVersion: policy.linkerd.io/v1alpha1
      kind: NetworkAuthentication
      metadata: {name: everywhere, namespace: shop}
      spec: {networks: [{cidr: 0.0.0.0/0}, {cidr: "::/0"}]}
      """;

  // ---- default policy drift

  /**
   * @param atCreation the namespace's annotation when {@code web} is created (null: none)
   * @param own {@code web}'s own annotation (null: none)
   * @param now the namespace's annotation afterwards (null: removed)
   * @param expected {effective, now} of the drift, or null for none
   */
  record DriftCase(String name, DefaultPolicy cluster, String atCreation, String own, String now,
      DefaultPolicy[] expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<DriftCase> driftCases() {
    DefaultPolicy allUnauth = DefaultPolicy.ALL_UNAUTHENTICATED;
    DefaultPolicy deny = DefaultPolicy.DENY;
    return Stream.of(
        new DriftCase("namespace annotation changed after creation", allUnauth, "all-unauthenticated", null, "deny",
            new DefaultPolicy[] {allUnauth, deny}),
        new DriftCase("namespace annotated after creation, cluster default before", allUnauth, null, null,
            "cluster-authenticated", new DefaultPolicy[] {allUnauth, DefaultPolicy.CLUSTER_AUTHENTICATED}),
        new DriftCase("namespace annotation removed after creation", deny, "all-authenticated", null, null,
            new DefaultPolicy[] {DefaultPolicy.ALL_AUTHENTICATED, deny}),
        new DriftCase("workload has its own annotation", allUnauth, "all-unauthenticated", "cluster-authenticated",
            "deny", null),
        new DriftCase("workload's own annotation is invalid (the namespace is never consulted)", allUnauth, null,
            "all_authenticated", "deny", null),
        new DriftCase("namespace unchanged", allUnauth, "deny", null, "deny", null),
        new DriftCase("namespace changed to what the cluster default gives anyway", deny, "deny", null, null, null),
        new DriftCase("copied value was invalid and the namespace now names the cluster default", allUnauth,
            "all_unauthenticated", null, "all-unauthenticated", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("driftCases")
  void defaultPolicyDrift(DriftCase c) {
    PolicyConfig config = PolicyConfig.defaults().withClusterDefault(c.cluster());
    List<Resource> created = new ArrayList<>(ManifestParser.parse(PolicyFixture.resource("namespaces.yaml")));
    created.replaceAll(r -> r instanceof Namespace ns && ns.name().equals("shop") ? shop(c.atCreation()) : r);
    Workload web = (Workload) ManifestParser.parse(PolicyFixture.resource("web.yaml")).getFirst();
    if (c.own() != null) {
      web = web.withAnnotations(with(web.annotations(), KEY, c.own()));
    }
    created.add(web);
    ManifestPolicies policies = ManifestPolicies.ofSteps(List.of(created, List.of(shop(c.now()))), config);

    List<PolicyWarning> warnings = PolicyWarnings.of(policies.index());

    List<DefaultPolicyDrift> drift = warnings.stream().filter(DefaultPolicyDrift.class::isInstance)
        .map(DefaultPolicyDrift.class::cast).toList();
    if (c.expected() == null) {
      assertThat(drift).isEmpty();
      return;
    }
    assertThat(drift).singleElement().satisfies(d -> {
      assertThat(d.workloadName()).isEqualTo("shop/web");
      assertThat(d.effective()).isEqualTo(c.expected()[0]);
      assertThat(d.namespaceNow()).isEqualTo(c.expected()[1]);
      assertThat(d.fix()).contains("recreate the workload").contains(KEY + ": " + c.expected()[0]);
    });
    // The index agrees: the workload really runs with the effective default it is said to have.
    assertThat(policies.portPolicy("shop", "web", 8080).policy().server().name())
        .isEqualTo(c.expected()[0].value());
  }

  @Test
  void bothFixesClearTheDrift() {
    PolicyFixture f = given().namespaceDefault("all-unauthenticated");
    PolicyIndex index = new PolicyIndex(f.config());
    try (InMemoryStore store = InMemoryStore.of(f.resources()); var watch = store.watch(index)) {
      store.apply(List.of(shop("deny")));
      DefaultPolicyDrift drift = (DefaultPolicyDrift) PolicyWarnings.of(index).getFirst();
      assertThat(drift.summary()).isEqualTo("shop/web runs with default inbound policy all-unauthenticated (copied"
          + " from namespace shop when the workload was created), but a workload created in namespace shop now gets"
          + " deny (namespace shop's config.linkerd.io/default-inbound-policy annotation)");
      Workload web = drift.workload();

      // Pinning: the annotation the fix names keeps today's behaviour and ends the warning.
      store.apply(List.of(web.withAnnotations(with(web.annotations(), KEY, drift.effective().value()))));
      assertThat(PolicyWarnings.of(index)).isEmpty();

      // Recreating: the new workload takes the namespace's current value.
      store.delete(List.of(web.ref()));
      store.apply(List.of(web));
      assertThat(PolicyWarnings.of(index)).isEmpty();
      assertThat(index.portPolicy(web, 8080).policy().server().name()).isEqualTo("deny");
    }
  }

  @Test
  void unmeshedWorkloadsAreNotChecked() {
    Workload web = (Workload) ManifestParser.parse(PolicyFixture.resource("web.yaml")).getFirst();
    Workload plain = web.withAnnotations(Map.of());
    ManifestPolicies policies = ManifestPolicies.ofSteps(List.of(List.of(shop("deny"), plain), List.of(shop(null))),
        PolicyConfig.defaults());
    assertThat(PolicyWarnings.of(policies.index())).isEmpty();
    assertThat(PolicyWarnings.meshed(plain, java.util.Optional.of(new Namespace("shop", Map.of(),
        Map.of(PolicyWarnings.INJECT_KEY, "enabled"))))).as("injected through its namespace").isTrue();
  }

  // ---- probes

  /** @param blocked the probes expected to be refused, as {@code kind path outcome} */
  record ProbeCase(String name, PolicyFixture fixture, List<String> blocked) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<ProbeCase> probeCases() {
    return Stream.of(
        new ProbeCase("no Server, cluster default deny: the probe route admits them",
            given().clusterDefault(DefaultPolicy.DENY), List.of()),
        new ProbeCase("Server without routes or authorizations: the probe route admits them",
            given().with("Server/web-http"), List.of()),
        new ProbeCase("an HTTPRoute on the Server matches neither probe path",
            given().with("Server/web-http").yaml(httpRoute("orders",
                "[{matches: [{path: {type: PathPrefix, value: /orders}}]}]")),
            List.of("liveness /live NO_ROUTE", "readiness /ready NO_ROUTE")),
        new ProbeCase("a catch-all HTTPRoute matches, but only the frontend may use it",
            given().with("Server/web-http", "MeshTLSAuthentication/frontend-only").yaml(httpRoute("all", "[{}]")
                + "---\n" + authorizationPolicy("all-frontend", "HTTPRoute", "all",
                "[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-only}]")),
            List.of("liveness /live UNAUTHORIZED", "readiness /ready UNAUTHORIZED")),
        new ProbeCase("a route authorizes one probe path for everyone; the other has no route",
            given().with("Server/web-http").yaml(EVERYWHERE + "---\n" + httpRoute("health",
                "[{matches: [{path: {type: Exact, value: /ready}, method: GET}]}]")
                + "---\n" + authorizationPolicy("health", "HTTPRoute", "health", "[" + ALL_NETWORKS + "]")),
            List.of("liveness /live NO_ROUTE")),
        new ProbeCase("a route authorizes both probe paths",
            given().with("Server/web-http").yaml(EVERYWHERE + "---\n" + httpRoute("health",
                "[{matches: [{path: {type: Exact, value: /ready}}, {path: {type: Exact, value: /live}}]}]")
                + "---\n" + authorizationPolicy("health", "HTTPRoute", "health", "[" + ALL_NETWORKS + "]")),
            List.of()),
        new ProbeCase("routes on another port's Server leave the probed port alone",
            given().with("Server/web-admin").yaml(httpRoute("admin", "[{matches: [{path: {value: /admin}}]}]")
                .replace("name: web-http", "name: web-admin")),
            List.of()),
        new ProbeCase("an opaque Server on the probed port admits no one",
            given().yaml("""
                apiVersion: policy.linkerd.io/v1beta3
                kind: Server
                metadata: {name: web-opaque, namespace: shop}
                spec: {podSelector: {matchLabels: {app: web}}, port: 8080, proxyProtocol: opaque}
                """),
            List.of("liveness /live UNAUTHORIZED", "readiness /ready UNAUTHORIZED")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("probeCases")
  void blockedProbes(ProbeCase c) {
    List<BlockedProbe> blocked = probes(c.fixture().policies().index());

    assertThat(blocked).extracting(b -> b.kind().label() + " " + b.path() + " " + b.decision().outcome())
        .containsExactlyElementsOf(c.blocked());
    for (BlockedProbe b : blocked) {
      assertThat(b.workloadName()).isEqualTo("shop/web");
      assertThat(b.container()).isEqualTo("app");
      assertThat(b.port()).isEqualTo(8080);
      assertThat(b.fix()).isNotBlank();
    }
  }

  @Test
  void aProbeBlockedByAnHttpRouteNamesTheServerTheRouteAndTheFix() {
    PolicyFixture f = given().with("Server/web-http").yaml(httpRoute("orders",
        "[{matches: [{path: {type: PathPrefix, value: /orders}}]}]"));

    BlockedProbe ready = probes(f.policies().index()).get(1);

    assertThat(ready.kind()).isEqualTo(ProbeKind.READINESS);
    assertThat(ready.server()).isEqualTo("Server/web-http");
    assertThat(ready.decision().response()).isEqualTo(Decision.Response.HTTP_404);
    assertThat(ready.reason()).isEqualTo("Server/web-http has HTTPRoute/orders, which replace its automatic probe"
        + " route, and none matches GET /ready");
    assertThat(ready.summary()).startsWith("shop/web container app: the readiness probe GET /ready on port 8080"
        + " would get HTTP 404, empty body: Server/web-http has");
    assertThat(ready.fix()).startsWith("add an HTTPRoute web-http-probes on Server/web-http matching GET /live,"
        + " /ready exactly");
    assertThat(ready.snippet()).contains("kind: HTTPRoute", "value: \"/ready\"", "value: \"/live\"",
        "kind: AuthorizationPolicy", "cidr: \"0.0.0.0/0\"");
  }

  @Test
  void applyingTheSuggestedSnippetUnblocksTheProbesAndNothingElse() {
    PolicyFixture f = given().with("Server/web-http").yaml(httpRoute("orders",
        "[{matches: [{path: {type: PathPrefix, value: /orders}}]}]"));
    String snippet = probes(f.policies().index()).getFirst().snippet();

    PolicyFixture fixed = given().with("Server/web-http").yaml(httpRoute("orders",
        "[{matches: [{path: {type: PathPrefix, value: /orders}}]}]") + "---\n" + snippet);

    assertThat(probes(fixed.policies().index())).isEmpty();
    // Still fail-closed for everything else: an unauthenticated POST to the probe path finds no route
    // that admits it, and /orders keeps its (absent) authorizations.
    assertThat(fixed.http(PolicyFixture.K, 8080, "POST", "/ready").allowed()).isFalse();
    assertThat(fixed.http(PolicyFixture.K, 8080, "GET", "/orders").allowed()).isFalse();
  }

  @Test
  void probesComeFromTheFirstClusterAddressInsideTheProbeNetworks() {
    PolicyConfig defaults = PolicyConfig.defaults();
    assertThat(PolicyWarnings.probeSource(defaults)).isEqualTo(Ip.parse("10.0.0.1"));
    PolicyConfig narrow = new PolicyConfig(DefaultPolicy.DENY, Network.defaultClusterNetworks(),
        List.of(Network.parse("192.168.0.0/16")), "cluster.local", "linkerd");
    assertThat(PolicyWarnings.probeSource(narrow)).isEqualTo(Ip.parse("192.168.0.1"));
  }

  private static List<BlockedProbe> probes(PolicyIndex index) {
    return PolicyWarnings.of(index).stream().filter(BlockedProbe.class::isInstance).map(BlockedProbe.class::cast)
        .toList();
  }

  private static Namespace shop(String defaultPolicy) {
    return new Namespace("shop", Map.of(), defaultPolicy == null ? Map.of() : Map.of(KEY, defaultPolicy));
  }

  private static Map<String, String> with(Map<String, String> map, String key, String value) {
    Map<String, String> out = new HashMap<>(map);
    out.put(key, value);
    return out;
  }
}
