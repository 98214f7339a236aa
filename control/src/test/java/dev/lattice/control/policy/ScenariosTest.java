package dev.lattice.control.policy;

import static dev.lattice.control.policy.PolicyFixture.K;
import static dev.lattice.control.policy.PolicyFixture.M1;
import static dev.lattice.control.policy.PolicyFixture.M2;
import static dev.lattice.control.policy.PolicyFixture.M3;
import static dev.lattice.control.policy.PolicyFixture.P;
import static dev.lattice.control.policy.PolicyFixture.U1;
import static dev.lattice.control.policy.PolicyFixture.U2;
import static dev.lattice.control.policy.PolicyFixture.X1;
import static dev.lattice.control.policy.PolicyFixture.allowed;
import static dev.lattice.control.policy.PolicyFixture.closed;
import static dev.lattice.control.policy.PolicyFixture.connectionAllowed;
import static dev.lattice.control.policy.PolicyFixture.denied;
import static dev.lattice.control.policy.PolicyFixture.forbidden;
import static dev.lattice.control.policy.PolicyFixture.given;
import static dev.lattice.control.policy.PolicyFixture.noRoute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.InvalidResourceException;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.policy.Client;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Evaluator;
import dev.lattice.policy.Request;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every behaviour scenario of spec §4 (S01–S54), at the decision level, through the same path as
 * {@code lattice authz explain}: manifests → store → index → effective policy → evaluator. Response
 * shapes on the wire (headers, gRPC status bytes, closing sockets) and metrics are for proxy-level
 * tests; here the decision carries the response kind and the labels (server, route, authorization).
 */
class ScenariosTest {
  private static final String ALL_UNAUTH = "default/all-unauthenticated";
  private static final String DEFAULT_ROUTE = "default/default";
  private static final String WEB_HTTP = "server/web-http";

  // ---- §4.3 default policies

  @Test
  void S01_allUnauthenticatedAdmitsEveryone() {
    PolicyFixture f = given();
    for (Client c : List.of(M1, U1, X1)) {
      allowed(f.defaultRequest(c), ALL_UNAUTH, DEFAULT_ROUTE, ALL_UNAUTH);
    }
  }

  @Test
  void S02_allAuthenticatedNeedsAMeshIdentityFromAnywhere() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.ALL_AUTHENTICATED);
    String s = "default/all-authenticated";
    allowed(f.defaultRequest(M1), s, DEFAULT_ROUTE, s);
    allowed(f.defaultRequest(M3), s, DEFAULT_ROUTE, s);
    forbidden(f.defaultRequest(U1), s, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(X1), s, DEFAULT_ROUTE);
    assertThat(f.defaultRequest(U1).reason()).contains("no mesh TLS");
  }

  @Test
  void S03_clusterAuthenticatedNeedsIdentityInsideClusterNetworks() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.CLUSTER_AUTHENTICATED);
    String s = "default/cluster-authenticated";
    allowed(f.defaultRequest(M1), s, DEFAULT_ROUTE, s);
    forbidden(f.defaultRequest(U1), s, DEFAULT_ROUTE);
    Decision m3 = f.defaultRequest(M3);
    forbidden(m3, s, DEFAULT_ROUTE);
    assertThat(m3.reason()).contains("client IP 198.51.100.7 is not in");
  }

  @Test
  void S04_clusterUnauthenticatedAdmitsAnyClientInsideClusterNetworks() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.CLUSTER_UNAUTHENTICATED);
    String s = "default/cluster-unauthenticated";
    allowed(f.defaultRequest(U1), s, DEFAULT_ROUTE, s);
    allowed(f.defaultRequest(M1), s, DEFAULT_ROUTE, s);
    forbidden(f.defaultRequest(X1), s, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(M3), s, DEFAULT_ROUTE);
  }

  @Test
  void S05_denyRejectsEveryHttpRequest() {
    // Whether l5d-proxy-error is sent depends on the client being meshed: proxy-level test.
    PolicyFixture f = given().clusterDefault(DefaultPolicy.DENY);
    forbidden(f.defaultRequest(M1), "default/deny", DEFAULT_ROUTE);
    forbidden(f.defaultRequest(U1), "default/deny", DEFAULT_ROUTE);
  }

  @Test
  void S06_auditAdmitsEveryoneAndFlagsIt() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.AUDIT);
    for (Client c : List.of(X1, M1)) {
      Decision d = f.defaultRequest(c);
      allowed(d, "default/audit", DEFAULT_ROUTE, "default/audit");
      assertThat(d.audit()).isTrue();
    }
  }

  @Test
  void S07_nonHttpBytesOnADetectPortUnderDenyAreClosed() {
    Decision d = given().clusterDefault(DefaultPolicy.DENY).tcp(U1, 7000);
    closed(d, "default/deny");
  }

  @Test
  void S08_nonHttpBytesUnderAllUnauthenticatedAreProxied() {
    connectionAllowed(given().tcp(U1, 7000), ALL_UNAUTH, ALL_UNAUTH);
  }

  // ---- §4.4 resolving the default policy

  @Test
  void S09_namespaceAnnotationIsTakenWhenTheWorkloadIsCreated() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.DENY).namespaceDefault("all-unauthenticated");
    var web = f.policies().workload("shop", "web");
    assertThat(f.policies().index().effectiveAnnotations(web))
        .containsEntry(PolicyIndex.DEFAULT_POLICY_KEY, "all-unauthenticated");
    allowed(f.defaultRequest(U1), ALL_UNAUTH, DEFAULT_ROUTE, ALL_UNAUTH);
    assertThat(f.policies().portPolicy("shop", "web", 8080).defaultSource()).startsWith("namespace annotation");
  }

  @Test
  void S09_namespaceAnnotationChangedAfterCreationDoesNotReachTheWorkload() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.DENY).namespaceDefault("all-unauthenticated");
    PolicyIndex index = new PolicyIndex(f.config());
    try (InMemoryStore store = InMemoryStore.of(f.resources()); var w = store.watch(index)) {
      store.apply(List.of(new Namespace("shop", Map.of(), Map.of(PolicyIndex.DEFAULT_POLICY_KEY, "deny"))));
      var web = index.workload("shop", "web").orElseThrow();
      assertThat(Evaluator.of(index.portPolicy(web, 8080).policy()).decide(U1, Request.of("GET", "/orders")).allowed())
          .as("existing pod keeps all-unauthenticated").isTrue();
      // Recreating the pod resolves again, now to deny.
      store.delete(List.of(web.ref()));
      store.apply(List.of(web));
      var recreated = index.workload("shop", "web").orElseThrow();
      forbidden(Evaluator.of(index.portPolicy(recreated, 8080).policy()).decide(U1, Request.of("GET", "/orders")),
          "default/deny", DEFAULT_ROUTE);
    }
  }

  @Test
  void S10_workloadAnnotationOverridesTheClusterDefault() {
    PolicyFixture f = given().workloadDefault("cluster-authenticated").namespaceDefault("all-unauthenticated");
    String s = "default/cluster-authenticated";
    forbidden(f.defaultRequest(U1), s, DEFAULT_ROUTE);
    allowed(f.defaultRequest(M1), s, DEFAULT_ROUTE, s);
  }

  @Test
  void S10_anInvalidWorkloadValueFallsBackToTheClusterDefaultNotTheNamespace() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.DENY).workloadDefault("all_authenticated")
        .namespaceDefault("all-unauthenticated");
    forbidden(f.defaultRequest(M1), "default/deny", DEFAULT_ROUTE);
    assertThat(f.policies().portPolicy("shop", "web", 8080).notes()).anyMatch(n -> n.contains("is invalid"));
  }

  // ---- §4.5 probes

  @Test
  void S11_underDenyProbePathsStayReachableWithGetOnly() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.DENY);
    allowed(f.http(K, 8080, "GET", "/ready"), "default/deny", "default/probe", "default/probe");
    allowed(f.http(K, 8080, "GET", "/live"), "default/deny", "default/probe", "default/probe");
    allowed(f.http(X1, 8080, "GET", "/ready"), "default/deny", "default/probe", "default/probe");
    forbidden(f.http(K, 8080, "GET", "/orders"), "default/deny", DEFAULT_ROUTE);
    forbidden(f.http(K, 8080, "POST", "/ready"), "default/deny", DEFAULT_ROUTE);
    forbidden(f.http(K, 9090, "GET", "/ready"), "default/deny", DEFAULT_ROUTE); // probes are per port
  }

  @Test
  void S12_theProxyAdminPortFollowsTheSameDefault() {
    PolicyFixture f = given().clusterDefault(DefaultPolicy.DENY);
    allowed(f.http(K, 4191, "GET", "/ready"), "default/deny", "default/probe", "default/probe");
    forbidden(f.http(P, 4191, "GET", "/metrics"), "default/deny", DEFAULT_ROUTE);
  }

  // ---- §4.6 Server

  private static final String WEB_8080 = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: web-8080, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: 8080}
      """;

  @Test
  void S13_aServerByNumberWithNoAuthorizationsDeniesEveryone() {
    PolicyFixture f = given().yaml(WEB_8080);
    forbidden(f.defaultRequest(M1), "server/web-8080", DEFAULT_ROUTE);
    forbidden(f.defaultRequest(U1), "server/web-8080", DEFAULT_ROUTE);
  }

  @Test
  void S14_aServerByPortNameGovernsThatPortOnly() {
    PolicyFixture f = given().with("Server/web-http");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
    allowed(f.http(U1, 9090, "GET", "/status"), ALL_UNAUTH, DEFAULT_ROUTE, ALL_UNAUTH);
  }

  @Test
  void S15_twoServersCarryIndependentAuthorizations() {
    PolicyFixture f = given().with("Server/web-http", "Server/web-admin").yaml("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: http-from-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: legacy-ip, namespace: shop}
        spec: {networks: [{cidr: 10.1.0.30/32}]}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: admin-from-legacy, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-admin}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: legacy-ip}]
        """);
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/http-from-frontend");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
    allowed(f.http(U1, 9090, "GET", "/status"), "server/web-admin", DEFAULT_ROUTE,
        "authorizationpolicy/admin-from-legacy");
    forbidden(f.http(M1, 9090, "GET", "/status"), "server/web-admin", DEFAULT_ROUTE);
  }

  @Test
  void S16_overlappingServersAreAdmittedAndTheOldestWins() {
    PolicyFixture f = given().yaml("""
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-z, namespace: shop, creationTimestamp: "2026-01-01T00:00:00Z"}
        spec: {podSelector: {matchLabels: {app: web}}, port: 8080}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-a, namespace: shop, creationTimestamp: "2026-01-01T00:00:01Z"}
        spec: {podSelector: {matchLabels: {app: web}}, port: 8080}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: z-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-z}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: a-open, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-a}
          requiredAuthenticationRefs: []
        """);
    // (a) admitted: loading did not throw. (b), (c):
    forbidden(f.defaultRequest(U1), "server/web-z", DEFAULT_ROUTE);
    allowed(f.defaultRequest(M1), "server/web-z", DEFAULT_ROUTE, "authorizationpolicy/z-frontend");
    assertThat(f.policies().portPolicy("shop", "web", 8080).notes()).anyMatch(n -> n.contains("Server/web-a"));
  }

  @Test
  void S16_equalTimestampsAreBrokenByName() {
    PolicyFixture f = given().yaml(WEB_8080.replace("web-8080", "web-b") + "---\n" + WEB_8080.replace("web-8080", "web-a"));
    forbidden(f.defaultRequest(U1), "server/web-a", DEFAULT_ROUTE);
  }

  @Test
  void S17_deletingAServerRestoresTheDefaultPolicy() {
    PolicyFixture f = given().yaml(WEB_8080);
    PolicyIndex index = new PolicyIndex(f.config());
    try (InMemoryStore store = InMemoryStore.of(f.resources()); var w = store.watch(index)) {
      var web = index.workload("shop", "web").orElseThrow();
      forbidden(decide(index, web, 8080, U1), "server/web-8080", DEFAULT_ROUTE);
      store.delete(List.of(ResourceRef.of(dev.lattice.control.store.Kind.SERVER, "shop", "web-8080")));
      allowed(decide(index, web, 8080, U1), ALL_UNAUTH, DEFAULT_ROUTE, ALL_UNAUTH);
    }
  }

  @Test
  void S18_accessPolicyAuditOnAServerAdmitsEveryoneAndAuditsIt() {
    PolicyFixture f = given().yaml(AUDIT_SERVER);
    for (Client c : List.of(U1, M1)) {
      Decision d = f.defaultRequest(c);
      allowed(d, WEB_HTTP, DEFAULT_ROUTE, "default/audit");
      assertThat(d.audit()).isTrue();
    }
  }

  private static final String AUDIT_SERVER = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: web-http, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: http, proxyProtocol: HTTP/1, accessPolicy: audit}
      """;

  // ---- §4.7 ServerAuthorization

  private static PolicyFixture saz(String client) {
    return given().with("Server/web-http").yaml("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: NAME, namespace: shop}
        spec:
          server: {name: web-http}
          client: CLIENT
        """.replace("CLIENT", client.replace("\n", "\n    ")).replace("NAME", "web-saz"));
  }

  @Test
  void S19_serviceAccounts() {
    PolicyFixture f = saz("{meshTLS: {serviceAccounts: [{name: frontend}]}}");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    forbidden(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S20_identityStarAdmitsEveryMeshedClient() {
    PolicyFixture f = saz("{meshTLS: {identities: [\"*\"]}}");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    allowed(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S21_unauthenticatedLimitedToOneIp() {
    PolicyFixture f = saz("{unauthenticated: true, networks: [{cidr: 10.1.0.30/32}]}");
    allowed(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    forbidden(f.defaultRequest(U2), WEB_HTTP, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S21_omittedNetworksMeanTheClusterNetworksNotEverywhere() {
    PolicyFixture f = saz("{unauthenticated: true}");
    allowed(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    forbidden(f.defaultRequest(X1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S22_meshTlsPlusNetworksMeansBothMustHold() {
    PolicyFixture f = saz("{networks: [{cidr: 10.1.0.20/32}, {cidr: 10.1.0.30/32}], meshTLS: {identities: [\"*\"]}}");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S23_twoServerAuthorizationsAreOred() {
    PolicyFixture f = given().with("Server/web-http").yaml("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: web-from-ip, namespace: shop}
        spec:
          server: {name: web-http}
          client: {unauthenticated: true, networks: [{cidr: 10.1.0.30/32}]}
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: web-from-id, namespace: shop}
        spec:
          server: {name: web-http}
          client: {meshTLS: {identities: ["*"]}}
        """);
    allowed(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-from-ip");
    allowed(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-from-id");
    forbidden(f.defaultRequest(U2), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S24_anExactIdentityString() {
    PolicyFixture f = saz("{meshTLS: {identities: [\"reports.ops.serviceaccount.identity.linkerd.cluster.local\"]}}");
    allowed(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE, "serverauthorization/web-saz");
    Decision m1 = f.defaultRequest(M1);
    forbidden(m1, WEB_HTTP, DEFAULT_ROUTE);
    assertThat(m1.reason()).contains("identity frontend.shop.serviceaccount.identity.linkerd.cluster.local does not match");
    assertThat(m1.suggestion()).contains("add identity frontend.shop");
  }

  // ---- §4.8 AuthorizationPolicy and authentications

  private static PolicyFixture ap(String name, String refs, String... extra) {
    PolicyFixture f = given().with("Server/web-http", "MeshTLSAuthentication/any-meshed",
        "NetworkAuthentication/shop-pods").yaml(authorizationPolicy(name, "Server", "web-http", refs));
    for (String e : extra) {
      f.yaml(e);
    }
    return f;
  }

  static String authorizationPolicy(String name, String kind, String target, String refs) {
    return """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: NAME, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: KIND, name: TARGET}
          requiredAuthenticationRefs: REFS
        """.replace("NAME", name).replace("KIND", kind).replace("TARGET", target).replace("REFS", refs);
  }

  private static final String ANY_MESHED = "{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: any-meshed}";
  private static final String SHOP_PODS = "{group: policy.linkerd.io, kind: NetworkAuthentication, name: shop-pods}";
  private static final String FRONTEND_ONLY =
      "{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-only}";

  @Test
  void S25_apOnAServerWithMeshTlsAuthenticationStar() {
    PolicyFixture f = ap("web-meshed", "[" + ANY_MESHED + "]");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-meshed");
    allowed(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-meshed");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S26_apWithAServiceAccountReference() {
    PolicyFixture f = ap("web-sa-frontend", "[{kind: ServiceAccount, name: frontend}]");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-sa-frontend");
    forbidden(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S27_apWithOnlyANetworkAuthenticationNeedsNoIdentity() {
    PolicyFixture f = ap("web-shop-net", "[" + SHOP_PODS + "]");
    allowed(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-shop-net");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-shop-net");
    forbidden(f.defaultRequest(U2), WEB_HTTP, DEFAULT_ROUTE);
    Decision x1 = f.defaultRequest(X1);
    forbidden(x1, WEB_HTTP, DEFAULT_ROUTE);
    assertThat(x1.suggestion()).contains("add 203.0.113.50/32 to the networks of authorizationpolicy/web-shop-net");
  }

  @Test
  void S28_allRequiredAuthenticationRefsMustMatch() {
    PolicyFixture f = ap("web-meshed-in-shop", "[" + ANY_MESHED + ", " + SHOP_PODS + "]");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-meshed-in-shop");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S29_twoApsOnOneServerAreOred() {
    PolicyFixture f = given().with("Server/web-http", "MeshTLSAuthentication/any-meshed").yaml("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: legacy-ip, namespace: shop}
        spec: {networks: [{cidr: 10.1.0.30/32}]}
        """).yaml(authorizationPolicy("web-from-ip", "Server", "web-http",
            "[{group: policy.linkerd.io, kind: NetworkAuthentication, name: legacy-ip}]"))
        .yaml(authorizationPolicy("web-from-id", "Server", "web-http", "[" + ANY_MESHED + "]"));
    allowed(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-from-ip");
    allowed(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-from-id");
    forbidden(f.defaultRequest(U2), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S30_emptyRequiredAuthenticationRefsAdmitsEveryoneFromEverywhere() {
    PolicyFixture f = ap("web-open", "[]");
    for (Client c : List.of(U1, X1, M1)) {
      allowed(f.defaultRequest(c), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-open");
    }
  }

  @Test
  void S31_anApTargetingTheNamespaceCoversItsServers() {
    PolicyFixture f = given().with("Server/web-http", "MeshTLSAuthentication/any-meshed").yaml("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: shop-meshed, namespace: shop}
        spec:
          targetRef: {kind: Namespace, name: shop}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: any-meshed}]
        """).clusterDefault(DefaultPolicy.DENY);
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/shop-meshed");
    forbidden(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE);
    // It does not cover ports no Server governs: the default policy still decides 9090.
    forbidden(f.http(M1, 9090, "GET", "/status"), "default/deny", DEFAULT_ROUTE);
  }

  @Test
  void S32_aSuffixWildcardInMeshTlsAuthentication() {
    PolicyFixture f = given().with("Server/web-http").yaml("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: ops-any, namespace: shop}
        spec: {identities: ["*.ops.serviceaccount.identity.linkerd.cluster.local"]}
        """).yaml(authorizationPolicy("web-from-ops", "Server", "web-http",
            "[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: ops-any}]"));
    allowed(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-from-ops");
    forbidden(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S33_meshTlsAuthenticationIdentityRefsToAServiceAccount() {
    PolicyFixture f = given().with("Server/web-http").yaml("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: frontend-ref, namespace: shop}
        spec: {identityRefs: [{kind: ServiceAccount, name: frontend}]}
        """).yaml(authorizationPolicy("web-frontend-ref", "Server", "web-http",
            "[{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-ref}]"));
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-frontend-ref");
    forbidden(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S34_networkAuthenticationExceptCarvesAHole() {
    PolicyFixture f = given().with("Server/web-http").yaml("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: ten-not-ops, namespace: shop}
        spec:
          networks:
          - {cidr: 10.0.0.0/8, except: [10.2.0.0/16]}
        """).yaml(authorizationPolicy("web-ten-not-ops", "Server", "web-http",
            "[{group: policy.linkerd.io, kind: NetworkAuthentication, name: ten-not-ops}]"));
    allowed(f.defaultRequest(U1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-ten-not-ops");
    allowed(f.defaultRequest(M1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-ten-not-ops");
    forbidden(f.defaultRequest(U2), WEB_HTTP, DEFAULT_ROUTE);
    forbidden(f.defaultRequest(M2), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S35_deletingAReferencedNetworkAuthenticationRevokesAccess() {
    PolicyFixture f = ap("web-shop-net", "[" + SHOP_PODS + "]");
    PolicyIndex index = new PolicyIndex(f.config());
    try (InMemoryStore store = InMemoryStore.of(f.resources()); var w = store.watch(index)) {
      var web = index.workload("shop", "web").orElseThrow();
      allowed(decide(index, web, 8080, U1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-shop-net");
      Resource shopPods = store.snapshot().get(ResourceRef.of(dev.lattice.control.store.Kind.NETWORK_AUTHENTICATION,
          "shop", "shop-pods")).orElseThrow();
      store.delete(List.of(shopPods.ref()));
      forbidden(decide(index, web, 8080, U1), WEB_HTTP, DEFAULT_ROUTE);
      forbidden(decide(index, web, 8080, M1), WEB_HTTP, DEFAULT_ROUTE);
      assertThat(index.portPolicy(web, 8080).notes()).anyMatch(n -> n.contains("NetworkAuthentication/shop-pods"));
      store.apply(List.of(shopPods));
      allowed(decide(index, web, 8080, U1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-shop-net");
    }
  }

  // ---- §4.9 HTTPRoutes

  static String httpRoute(String name, String rules) {
    return """
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: NAME, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
          rules: RULES
        """.replace("NAME", name).replace("RULES", rules);
  }

  private static PolicyFixture routes() {
    return given().with("Server/web-http", "MeshTLSAuthentication/frontend-only");
  }

  private static PolicyFixture s36() {
    return routes()
        .yaml(httpRoute("orders-read", "[{matches: [{path: {type: PathPrefix, value: /orders}, method: GET}]}]"))
        .yaml(httpRoute("orders-write", "[{matches: [{path: {type: Exact, value: /orders}, method: POST}]}]"))
        .yaml(authorizationPolicy("orders-read-frontend", "HTTPRoute", "orders-read", "[" + FRONTEND_ONLY + "]"));
  }

  @Test
  void S36_perRouteAuthorizationRoutelessRequestsAndMethodMatching() {
    PolicyFixture f = s36();
    allowed(f.http(M1, 8080, "GET", "/orders/17"), WEB_HTTP, "HTTPRoute/orders-read",
        "authorizationpolicy/orders-read-frontend");
    forbidden(f.http(U1, 8080, "GET", "/orders/17"), WEB_HTTP, "HTTPRoute/orders-read");
    forbidden(f.http(M1, 8080, "POST", "/orders"), WEB_HTTP, "HTTPRoute/orders-write");
    Decision catalog = f.http(M1, 8080, "GET", "/catalog");
    noRoute(catalog, WEB_HTTP);
    assertThat(catalog.response()).isEqualTo(Decision.Response.HTTP_404);
    noRoute(f.http(M1, 8080, "DELETE", "/orders/17"), WEB_HTTP);
  }

  @Test
  void S37_aServerLevelApAlsoAuthorizesEveryRoute() {
    PolicyFixture f = s36().yaml(authorizationPolicy("web-frontend", "Server", "web-http", "[" + FRONTEND_ONLY + "]"));
    allowed(f.http(M1, 8080, "POST", "/orders"), WEB_HTTP, "HTTPRoute/orders-write", "authorizationpolicy/web-frontend");
    allowed(f.http(M1, 8080, "GET", "/orders/17"), WEB_HTTP, "HTTPRoute/orders-read",
        "authorizationpolicy/orders-read-frontend");
    forbidden(f.http(U1, 8080, "POST", "/orders"), WEB_HTTP, "HTTPRoute/orders-write");
    noRoute(f.http(M1, 8080, "GET", "/catalog"), WEB_HTTP);
  }

  @Test
  void S38_headerMatchesAndSpecificityBetweenRoutes() {
    PolicyFixture f = routes().with("NetworkAuthentication/shop-pods")
        .yaml(httpRoute("orders", "[{matches: [{path: {type: PathPrefix, value: /orders}}]}]"))
        .yaml(httpRoute("orders-blue",
            "[{matches: [{path: {type: PathPrefix, value: /orders}, headers: [{name: x-tenant, value: blue}]}]}]"))
        .yaml(authorizationPolicy("orders-frontend", "HTTPRoute", "orders", "[" + FRONTEND_ONLY + "]"))
        .yaml(authorizationPolicy("orders-blue-net", "HTTPRoute", "orders-blue", "[" + SHOP_PODS + "]"));
    allowed(f.http(U1, 8080, "GET", "/orders", "x-tenant", "blue"), WEB_HTTP, "HTTPRoute/orders-blue",
        "authorizationpolicy/orders-blue-net");
    forbidden(f.http(U1, 8080, "GET", "/orders"), WEB_HTTP, "HTTPRoute/orders");
    allowed(f.http(U1, 8080, "GET", "/orders", "X-Tenant", "blue"), WEB_HTTP, "HTTPRoute/orders-blue",
        "authorizationpolicy/orders-blue-net");
    forbidden(f.http(U1, 8080, "GET", "/orders", "x-tenant", "Blue"), WEB_HTTP, "HTTPRoute/orders");
    allowed(f.http(M1, 8080, "GET", "/orders"), WEB_HTTP, "HTTPRoute/orders", "authorizationpolicy/orders-frontend");
  }

  @Test
  void S39_queryParameterMatches() {
    PolicyFixture f = routes().with("NetworkAuthentication/shop-pods")
        .yaml(httpRoute("export",
            "[{matches: [{path: {type: Exact, value: /export}, queryParams: [{name: format, value: csv}]}]}]"))
        .yaml(authorizationPolicy("export-net", "HTTPRoute", "export", "[" + SHOP_PODS + "]"));
    allowed(f.http(U1, 8080, "GET", "/export?format=csv"), WEB_HTTP, "HTTPRoute/export", "authorizationpolicy/export-net");
    allowed(f.http(U1, 8080, "GET", "/export?limit=5&format=csv"), WEB_HTTP, "HTTPRoute/export",
        "authorizationpolicy/export-net");
    noRoute(f.http(U1, 8080, "GET", "/export?format=json"), WEB_HTTP);
    noRoute(f.http(U1, 8080, "GET", "/export"), WEB_HTTP);
  }

  @Test
  void S40_theLongerPathMatchWins() {
    PolicyFixture f = routes().with("NetworkAuthentication/shop-pods")
        .yaml(httpRoute("api", "[{matches: [{path: {type: PathPrefix, value: /api}}]}]"))
        .yaml(httpRoute("api-admin", "[{matches: [{path: {type: PathPrefix, value: /api/admin}}]}]"))
        .yaml(authorizationPolicy("api-net", "HTTPRoute", "api", "[" + SHOP_PODS + "]"));
    allowed(f.http(U1, 8080, "GET", "/api/users"), WEB_HTTP, "HTTPRoute/api", "authorizationpolicy/api-net");
    forbidden(f.http(U1, 8080, "GET", "/api/admin/users"), WEB_HTTP, "HTTPRoute/api-admin");
  }

  @Test
  void S40_exactAndPrefixOfEqualLengthTieAndTheOlderRouteWins() {
    PolicyFixture f = routes()
        .yaml(httpRoute("b-prefix", "[{matches: [{path: {type: PathPrefix, value: /a}}]}]")
            .replace("namespace: shop}", "namespace: shop, creationTimestamp: \"2026-01-01T00:00:00Z\"}"))
        .yaml(httpRoute("a-exact", "[{matches: [{path: {type: Exact, value: /a}}]}]")
            .replace("namespace: shop}", "namespace: shop, creationTimestamp: \"2026-01-01T00:00:05Z\"}"));
    forbidden(f.http(U1, 8080, "GET", "/a"), WEB_HTTP, "HTTPRoute/b-prefix");
  }

  @Test
  void S41_aServerWithoutRoutesKeepsTheProbeRoute() {
    PolicyFixture f = given().with("Server/web-http");
    allowed(f.http(K, 8080, "GET", "/ready"), WEB_HTTP, "default/probe", "default/probe");
    forbidden(f.http(K, 8080, "GET", "/orders"), WEB_HTTP, DEFAULT_ROUTE);
  }

  @Test
  void S41_attachingAnyRouteRemovesTheProbeRoute() {
    PolicyFixture f = s36();
    noRoute(f.http(K, 8080, "GET", "/ready"), WEB_HTTP);
  }

  // ---- §4.10 gRPC

  @Test
  void S42_aGrpcServerWithNoAuthorizationsAnswersPermissionDenied() {
    Decision d = given().with("Server/orders-grpc").grpc(M1, "shop.Orders", "Get");
    denied(d, "server/orders-grpc", DEFAULT_ROUTE);
    assertThat(d.response()).isEqualTo(Decision.Response.GRPC_PERMISSION_DENIED);
  }

  @Test
  void S43_aGrpcServerWithAnAp() {
    PolicyFixture f = given().with("Server/orders-grpc").yaml(authorizationPolicy("grpc-frontend", "Server",
        "orders-grpc", "[{kind: ServiceAccount, name: frontend}]").replace("group: policy.linkerd.io, kind: Server",
        "group: policy.linkerd.io, kind: Server"));
    allowed(f.grpc(M1, "shop.Orders", "Get"), "server/orders-grpc", DEFAULT_ROUTE, "authorizationpolicy/grpc-frontend");
    Decision u1 = f.grpc(U1, "shop.Orders", "Get");
    denied(u1, "server/orders-grpc", DEFAULT_ROUTE);
    assertThat(u1.response()).isEqualTo(Decision.Response.GRPC_PERMISSION_DENIED);
  }

  // ---- §4.11 opaque TCP

  @Test
  void S44_anOpaqueServerWithNoAuthorizationsClosesConnections() {
    PolicyFixture f = given().with("Server/echo-tcp");
    closed(f.tcp(U1, 7000), "server/echo-tcp");
    closed(f.tcp(M1, 7000), "server/echo-tcp");
  }

  @Test
  void S45_anOpaqueServerWithAnAp() {
    PolicyFixture f = given().with("Server/echo-tcp").yaml(authorizationPolicy("echo-frontend", "Server", "echo-tcp",
        "[{kind: ServiceAccount, name: frontend}]"));
    connectionAllowed(f.tcp(M1, 7000), "server/echo-tcp", "authorizationpolicy/echo-frontend");
    closed(f.tcp(U1, 7000), "server/echo-tcp");
    // An HTTP request on an opaque port is still decided as its connection.
    assertThat(f.http(U1, 7000, "GET", "/").response()).isEqualTo(Decision.Response.CLOSE);
  }

  @Test
  void S45_routeLevelAuthorizationsNeverAdmitTcpConnections() {
    PolicyFixture f = s36();
    closed(f.tcp(M1, 8080), WEB_HTTP);
  }

  // ---- §4.12 audit with explicit authorizations

  @Test
  void S46_explicitAuthorizationsWinTheLabelAndAuditCatchesTheRest() {
    PolicyFixture f = given().yaml(AUDIT_SERVER)
        .yaml(authorizationPolicy("web-frontend", "Server", "web-http", "[{kind: ServiceAccount, name: frontend}]"));
    Decision m1 = f.defaultRequest(M1);
    allowed(m1, WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-frontend");
    assertThat(m1.audit()).isFalse();
    Decision u1 = f.defaultRequest(U1);
    allowed(u1, WEB_HTTP, DEFAULT_ROUTE, "default/audit");
    assertThat(u1.audit()).isTrue();
  }

  // ---- §4.13 runtime changes (decision level; connection handling is for the proxy)

  @Test
  void S47_eachRequestIsJudgedUnderThePolicyCurrentAtThatInstant() {
    PolicyFixture f = given().with("Server/web-http", "NetworkAuthentication/shop-pods");
    PolicyIndex index = new PolicyIndex(f.config());
    try (InMemoryStore store = InMemoryStore.of(f.resources()); var w = store.watch(index)) {
      var web = index.workload("shop", "web").orElseThrow();
      forbidden(decide(index, web, 8080, U1), WEB_HTTP, DEFAULT_ROUTE);
      List<Resource> webNet = ManifestParser.parse(
          authorizationPolicy("web-net", "Server", "web-http", "[" + SHOP_PODS + "]"));
      store.apply(webNet);
      allowed(decide(index, web, 8080, U1), WEB_HTTP, DEFAULT_ROUTE, "authorizationpolicy/web-net");
      store.delete(List.of(webNet.getFirst().ref()));
      forbidden(decide(index, web, 8080, U1), WEB_HTTP, DEFAULT_ROUTE);
    }
  }

  @Test
  void S48_revokingAnOpaqueConnectionsAuthorizationDeniesItsRecheck() {
    PolicyFixture f = given().with("Server/echo-tcp").yaml(authorizationPolicy("echo-frontend", "Server", "echo-tcp",
        "[{kind: ServiceAccount, name: frontend}]"));
    PolicyIndex index = new PolicyIndex(f.config());
    try (InMemoryStore store = InMemoryStore.of(f.resources()); var w = store.watch(index)) {
      var web = index.workload("shop", "web").orElseThrow();
      connectionAllowed(Evaluator.of(index.portPolicy(web, 7000).policy()).decide(M1), "server/echo-tcp",
          "authorizationpolicy/echo-frontend");
      store.delete(List.of(ResourceRef.of(dev.lattice.control.store.Kind.AUTHORIZATION_POLICY, "shop", "echo-frontend")));
      // The proxy re-checks the open connection's (client, TLS) against the new policy: now denied.
      closed(Evaluator.of(index.portPolicy(web, 7000).policy()).decide(M1), "server/echo-tcp");
    }
  }

  // ---- §4.14 admission

  private static void rejected(String yaml, String message) {
    InMemoryStore store = new InMemoryStore();
    List<Resource> resources = List.of(unvalidated(yaml));
    assertThatThrownBy(() -> store.apply(resources))
        .isInstanceOf(InvalidResourceException.class)
        .hasMessageContaining(message);
    assertThat(store.snapshot().size()).as("nothing stored").isZero();
    assertThatThrownBy(() -> ManifestParser.parse(yaml)).hasMessageContaining(message);
  }

  @Test
  void S49_anExceptOutsideItsCidr() {
    rejected("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: bad-except, namespace: shop}
        spec: {networks: [{cidr: 10.1.1.0/24, except: [10.1.2.0/24]}]}
        """, "cidr '10.1.1.0/24' does not include exception '10.1.2.0/24'");
  }

  @Test
  void S50_aDeploymentAsTarget() {
    rejected("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: bad-target, namespace: shop}
        spec:
          targetRef: {group: apps, kind: Deployment, name: web}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        """, "unsupported authorization target type: Deployment.apps");
  }

  @Test
  void S51_aServerAuthorizationWithBothUnauthenticatedAndMeshTls() {
    rejected("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: bad-client, namespace: shop}
        spec:
          server: {name: web-http}
          client: {unauthenticated: true, meshTLS: {identities: ["*"]}}
        """, "`unauthenticated` must be false if `mesh_tls` is specified");
  }

  @Test
  void S52_aNetworkAuthenticationWithNoNetworks() {
    rejected("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: empty, namespace: shop}
        spec: {networks: []}
        """, "at least one network must be specified");
  }

  @Test
  void S53_anUnknownAccessPolicy() {
    rejected("""
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: bad-access, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: 8080, accessPolicy: foobar}
        """, "Invalid 'accessPolicy' field");
  }

  @Test
  void S54_aServerAuthorizationSelectingByBothNameAndSelector() {
    rejected("""
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: both-forms, namespace: shop}
        spec:
          server: {name: web-http, selector: {matchLabels: {app: web}}}
          client: {unauthenticated: true}
        """, "ServerAuthorization/both-forms: spec.server: exactly one of name or selector may be set");
  }

  @ParameterizedTest
  @EnumSource(DefaultPolicy.class)
  void loopbackIsAdmittedUnderEveryDefault(DefaultPolicy policy) {
    Decision d = given().clusterDefault(policy).defaultRequest(Client.plaintext("127.0.0.1"));
    assertThat(d.allowed()).isTrue();
  }

  /** The object as a client would send it, bypassing the parser's own check, to test the store's. */
  static dev.lattice.control.store.PolicyResource unvalidated(String yaml) {
    tools.jackson.databind.JsonNode doc = new tools.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
    String apiVersion = doc.get("apiVersion").stringValue();
    var kind = dev.lattice.control.store.Kind.ofManifest(apiVersion, doc.get("kind").stringValue()).orElseThrow();
    return new dev.lattice.control.store.PolicyResource(kind, apiVersion, doc.at("/metadata/namespace").stringValue(),
        doc.at("/metadata/name").stringValue(), Map.of(), Map.of(), null, doc.get("spec"));
  }

  private static Decision decide(PolicyIndex index, dev.lattice.control.store.Workload web, int port, Client c) {
    return Evaluator.of(index.portPolicy(web, port).policy()).explain(c, Request.of("GET", "/orders"));
  }
}
