package dev.lattice.control.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.store.InMemoryStore;
import dev.lattice.control.store.InvalidResourceException;
import dev.lattice.control.store.ManifestParser;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Spec §3 as a table: every invalid-resource rule is rejected by the store with {@code KIND/NAME:
 * field: reason}, and nothing is stored; the objects it says to admit are admitted.
 */
class AdmissionTest {
  private static final String SERVER = "apiVersion: policy.linkerd.io/v1beta3\nkind: Server\nmetadata: {name: s, namespace: shop}\n";
  private static final String SAZ = "apiVersion: policy.linkerd.io/v1beta1\nkind: ServerAuthorization\nmetadata: {name: saz, namespace: shop}\n";
  private static final String NA = "apiVersion: policy.linkerd.io/v1alpha1\nkind: NetworkAuthentication\nmetadata: {name: na, namespace: shop}\n";
  private static final String AP = "apiVersion: policy.linkerd.io/v1alpha1\nkind: AuthorizationPolicy\nmetadata: {name: ap, namespace: shop}\n";
  private static final String MTA = "apiVersion: policy.linkerd.io/v1alpha1\nkind: MeshTLSAuthentication\nmetadata: {name: mta, namespace: shop}\n";
  private static final String ROUTE = "apiVersion: policy.linkerd.io/v1beta3\nkind: HTTPRoute\nmetadata: {name: r, namespace: shop}\n";
  private static final String GW_ROUTE = "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: g, namespace: shop}\n";
  private static final String GRPC = "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata: {name: gr, namespace: shop}\n";
  private static final String TO_SERVER = "targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}";
  private static final String PARENT = "parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]";

  static Stream<Arguments> rejected() {
    return Stream.of(
        // Server
        row(SERVER + "spec: {port: 8080}", "Server/s: spec: exactly one of podSelector or externalWorkloadSelector"),
        row(SERVER + "spec: {podSelector: {}, externalWorkloadSelector: {}, port: 8080}",
            "Server/s: spec: exactly one of podSelector or externalWorkloadSelector"),
        row(SERVER + "spec: {podSelector: {}}", "Server/s: spec.port: required"),
        row(SERVER + "spec: {podSelector: {}, port: 0}", "Server/s: spec.port: must be 1-65535, got 0"),
        row(SERVER + "spec: {podSelector: {}, port: 70000}", "Server/s: spec.port: must be 1-65535, got 70000"),
        row(SERVER + "spec: {podSelector: {}, port: ''}", "Server/s: spec.port: must be a port number"),
        row(SERVER + "spec: {podSelector: {}, port: 8080, proxyProtocol: HTTP/3}",
            "Server/s: spec.proxyProtocol: unknown variant `HTTP/3`"),
        row(SERVER + "spec: {podSelector: {}, port: 8080, accessPolicy: all_authenticated}",
            "Server/s: spec.accessPolicy: Invalid 'accessPolicy' field: invalid mode: \"all_authenticated\""),
        // ServerAuthorization
        row(SAZ + "spec: {server: {name: a, selector: {}}, client: {unauthenticated: true}}",
            "ServerAuthorization/saz: spec.server: exactly one of name or selector"),
        row(SAZ + "spec: {server: {}, client: {unauthenticated: true}}",
            "ServerAuthorization/saz: spec.server: exactly one of name or selector"),
        row(SAZ + "spec: {server: {name: a}, client: {unauthenticated: true, meshTLS: {identities: ['*']}}}",
            "ServerAuthorization/saz: spec.client: `unauthenticated` must be false if `mesh_tls` is specified"),
        row(SAZ + "spec: {server: {name: a}, client: {meshTLS: {unauthenticatedTLS: true, identities: ['*']}}}",
            "ServerAuthorization/saz: spec.client.meshTLS: `unauthenticatedTLS` be false if any `identities` or"
                + " `service_accounts` is specified"),
        row(SAZ + "spec: {server: {name: a}, client: {meshTLS: {unauthenticatedTLS: true, serviceAccounts: [{name: x}]}}}",
            "ServerAuthorization/saz: spec.client.meshTLS: `unauthenticatedTLS` be false"),
        row(SAZ + "spec: {server: {name: a}, client: {}}",
            "ServerAuthorization/saz: spec.client: client must authorize unauthenticated clients or meshTLS clients"),
        row(SAZ + "spec: {server: {name: a}, client: {meshTLS: {}}}",
            "ServerAuthorization/saz: spec.client.meshTLS: meshTLS authorizes no clients"),
        row(SAZ + "spec: {server: {name: a}, client: {meshTLS: {identities: ['foo.*.bar']}}}",
            "ServerAuthorization/saz: spec.client.meshTLS.identities[0]: 'foo.*.bar' must match"),
        row(SAZ + "spec: {server: {name: a}, client: {meshTLS: {identities: ['**.bar']}}}",
            "ServerAuthorization/saz: spec.client.meshTLS.identities[0]:"),
        row(SAZ + "spec: {server: {name: a}, client: {meshTLS: {identities: ['*.*.bar']}}}",
            "ServerAuthorization/saz: spec.client.meshTLS.identities[0]:"),
        row(SAZ + "spec: {server: {name: a}, client: {unauthenticated: true, networks: [{cidr: 10.0.0.0/33}]}}",
            "ServerAuthorization/saz: spec.client.networks[0].cidr: not a valid CIDR or IP address"),
        row(SAZ + "spec: {server: {name: a}, client: {unauthenticated: true, networks: [{cidr: 10.1.1.0/24, except: [10.1.2.0/24]}]}}",
            "ServerAuthorization/saz: spec.client.networks[0].except[0]: cidr '10.1.1.0/24' does not include exception '10.1.2.0/24'"),
        row(SAZ + "spec: {server: {name: a}, client: {unauthenticated: true, networks: [{cidr: 10.1.1.0/24, except: [10.1.1.0/24]}]}}",
            "ServerAuthorization/saz: spec.client.networks[0].except[0]: cidr '10.1.1.0/24' is completely negated by exception '10.1.1.0/24'"),
        // NetworkAuthentication
        row(NA + "spec: {networks: []}", "NetworkAuthentication/na: spec.networks: at least one network must be specified"),
        row(NA + "spec: {}", "NetworkAuthentication/na: spec.networks: at least one network must be specified"),
        row(NA + "spec: {networks: [{cidr: 'pods'}]}",
            "NetworkAuthentication/na: spec.networks[0].cidr: not a valid CIDR or IP address"),
        row(NA + "spec: {networks: [{cidr: 10.0.0.0/8, except: [10.2.0.0/33]}]}",
            "NetworkAuthentication/na: spec.networks[0].except[0]: not a valid CIDR or IP address"),
        row(NA + "spec: {networks: [{cidr: 10.1.0.0/16, except: [10.0.0.0/8]}]}",
            "NetworkAuthentication/na: spec.networks[0].except[0]: cidr '10.1.0.0/16' is completely negated by exception '10.0.0.0/8'"),
        row(NA + "spec: {networks: [{cidr: 10.1.1.0/24, except: [10.1.2.0/24]}]}",
            "NetworkAuthentication/na: spec.networks[0].except[0]: cidr '10.1.1.0/24' does not include exception '10.1.2.0/24'"),
        row(NA + "spec: {networks: [{cidr: 'fd00::/8', except: [10.0.0.1]}]}",
            "does not include exception '10.0.0.1'"),
        // AuthorizationPolicy
        row(AP + "spec: {targetRef: {group: apps, kind: Deployment, name: web}, requiredAuthenticationRefs: []}",
            "AuthorizationPolicy/ap: spec.targetRef: unsupported authorization target type: Deployment.apps"),
        row(AP + "spec: {targetRef: {kind: Server, name: web-http}, requiredAuthenticationRefs: []}",
            "AuthorizationPolicy/ap: spec.targetRef: unsupported authorization target type: Server"),
        row(AP + "spec: {targetRef: {group: policy.linkerd.io, kind: GRPCRoute, name: x}, requiredAuthenticationRefs: []}",
            "unsupported authorization target type: GRPCRoute.policy.linkerd.io"),
        row(AP + "spec: {targetRef: {kind: Namespace, name: ops}, requiredAuthenticationRefs: []}",
            "AuthorizationPolicy/ap: spec.targetRef: cannot target another namespace: ops"),
        row(AP + "spec: {" + TO_SERVER + "}", "AuthorizationPolicy/ap: spec.requiredAuthenticationRefs: required"),
        row(AP + "spec: {" + TO_SERVER + ", requiredAuthenticationRefs: [{kind: Secret, name: x}]}",
            "AuthorizationPolicy/ap: spec.requiredAuthenticationRefs: unsupported authentication kind(s): Secret"),
        row(AP + "spec: {" + TO_SERVER + ", requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: a},"
                + " {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: b}]}",
            "AuthorizationPolicy/ap: spec.requiredAuthenticationRefs: only a single MeshTLSAuthentication may be set"),
        row(AP + "spec: {" + TO_SERVER + ", requiredAuthenticationRefs: [{kind: ServiceAccount, name: a}, {kind: ServiceAccount, name: b}]}",
            "AuthorizationPolicy/ap: spec.requiredAuthenticationRefs: only a single ServiceAccount may be set"),
        row(AP + "spec: {" + TO_SERVER + ", requiredAuthenticationRefs: [{kind: ServiceAccount, name: a},"
                + " {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: b}]}",
            "AuthorizationPolicy/ap: spec.requiredAuthenticationRefs: a MeshTLSAuthentication and ServiceAccount may not be set together"),
        row(AP + "spec: {" + TO_SERVER + ", requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: NetworkAuthentication, name: a},"
                + " {group: policy.linkerd.io, kind: NetworkAuthentication, name: b}]}",
            "AuthorizationPolicy/ap: spec.requiredAuthenticationRefs: only a single NetworkAuthentication may be set"),
        // MeshTLSAuthentication
        row(MTA + "spec: {}", "MeshTLSAuthentication/mta: spec: exactly one of identities or identityRefs"),
        row(MTA + "spec: {identities: []}", "MeshTLSAuthentication/mta: spec: exactly one of identities or identityRefs"),
        row(MTA + "spec: {identities: ['*'], identityRefs: [{kind: Namespace, name: ops}]}",
            "MeshTLSAuthentication/mta: spec: exactly one of identities or identityRefs"),
        row(MTA + "spec: {identities: ['foo.*.bar']}", "MeshTLSAuthentication/mta: spec.identities[0]: id foo.*.bar is invalid: "),
        row(MTA + "spec: {identities: ['spiffe://td/a/']}", "spec.identities[0]: id spiffe://td/a/ is invalid: "),
        row(MTA + "spec: {identities: ['spiffe:///a']}", "spec.identities[0]: id spiffe:///a is invalid: "),
        row(MTA + "spec: {identities: ['spiffe://td/a//b']}", "id spiffe://td/a//b is invalid: "),
        row(MTA + "spec: {identities: ['spiffe://td/a/../b']}", "id spiffe://td/a/../b is invalid: "),
        row(MTA + "spec: {identities: ['spiffe://TD/a']}", "id spiffe://TD/a is invalid: "),
        row(MTA + "spec: {identityRefs: [{kind: Deployment, name: web}]}",
            "MeshTLSAuthentication/mta: spec.identityRefs[0].kind: invalid identity target kind: Deployment"),
        row(MTA + "spec: {identityRefs: [{kind: Namespace, name: ops, namespace: ops}]}",
            "MeshTLSAuthentication/mta: spec.identityRefs[0].namespace: Namespace identity_ref is cluster-scoped and cannot have a namespace"),
        // HTTPRoute, both groups
        row(ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{path: {type: Exact, value: orders}}]}]}",
            "HTTPRoute/r: spec.rules[0].matches[0].path.value: paths must be absolute (begin with `/`)"),
        row(GW_ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{path: {value: orders}}]}]}",
            "HTTPRoute/g: spec.rules[0].matches[0].path.value: paths must be absolute (begin with"),
        row(ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{path: {type: RegularExpression, value: '/(a'}}]}]}",
            "HTTPRoute/r: spec.rules[0].matches[0].path.value: invalid regular expression"),
        row(ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{headers: [{name: 'x tenant', value: blue}]}]}]}",
            "HTTPRoute/r: spec.rules[0].matches[0].headers[0].name: must be a valid header name"),
        row(ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{headers: [{name: x, type: RegularExpression, value: '[a'}]}]}]}",
            "HTTPRoute/r: spec.rules[0].matches[0].headers[0].value: invalid regular expression"),
        row(ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{headers: [{name: x, value: \"a\\nb\"}]}]}]}",
            "HTTPRoute/r: spec.rules[0].matches[0].headers[0].value: must be a valid header value"),
        row(GW_ROUTE + "spec: {" + PARENT + ", rules: [{matches: [{queryParams: [{name: q, type: RegularExpression, value: '*'}]}]}]}",
            "HTTPRoute/g: spec.rules[0].matches[0].queryParams[0].value: invalid regular expression"),
        row(ROUTE + "spec: {parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http, namespace: ops}]}",
            "HTTPRoute/r: spec.parentRefs[0].namespace: route resource may not reference a parent Server in another namespace"),
        row(ROUTE + "spec: {parentRefs: [{kind: Server, name: web-http, port: 8080}]}",
            "HTTPRoute/r: spec.parentRefs[0].port: route resource may not reference a parent Server by port"),
        row(GW_ROUTE + "spec: {parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http, sectionName: http}]}",
            "HTTPRoute/g: spec.parentRefs[0].sectionName: route resource may not reference a parent Server by section name"),
        // GRPCRoute
        row(GRPC + "spec: {" + PARENT + ", rules: [{matches: [{method: {type: RegularExpression, service: 'shop.*'}}]}]}",
            "GRPCRoute/gr: spec.rules[0].matches[0].method.type: unsupported GRPCRoute method match type"),
        row(GRPC + "spec: {parentRefs: [{group: policy.linkerd.io, kind: Server, name: orders-grpc, namespace: ops}]}",
            "GRPCRoute/gr: spec.parentRefs[0].namespace: route resource may not reference a parent Server in another namespace"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource
  void rejected(String yaml, String line) {
    InMemoryStore store = new InMemoryStore();
    assertThatThrownBy(() -> store.apply(List.of(ScenariosTest.unvalidated(yaml))))
        .isInstanceOf(InvalidResourceException.class)
        .satisfies(e -> assertThat(((InvalidResourceException) e).problems()).anyMatch(p -> p.startsWith(line)
            || p.contains(line)));
    assertThat(store.snapshot().size()).isZero();
    assertThatThrownBy(() -> ManifestParser.parse(yaml)).hasMessageContaining(line);
  }

  static Stream<Arguments> admitted() {
    return Stream.of(
        row(SERVER + "spec: {podSelector: {matchLabels: {app: web}}, port: http}", "named port, CRD defaults"),
        row(SERVER.replace("v1beta3", "v1beta1") + "spec: {podSelector: {}, port: 8080, proxyProtocol: opaque}", "v1beta1"),
        row(SERVER.replace("v1beta3", "v1beta2") + "spec: {externalWorkloadSelector: {}, port: 8080}", "v1beta2 external"),
        row(AP + "spec: {" + TO_SERVER + ", requiredAuthenticationRefs: []}", "empty refs"),
        row(AP + "spec: {targetRef: {kind: Namespace, name: shop}, requiredAuthenticationRefs: [{kind: ServiceAccount, name: x},"
            + " {group: policy.linkerd.io, kind: NetworkAuthentication, name: missing}]}", "refs need not exist"),
        row(AP + "spec: {targetRef: {group: gateway.networking.k8s.io, kind: GRPCRoute, name: x}, requiredAuthenticationRefs: []}",
            "GRPCRoute target"),
        row(MTA + "spec: {identities: ['spiffe://root.linkerd.cluster.local/legacy-billing', '*.ops.serviceaccount.identity.linkerd.cluster.local']}",
            "SPIFFE and suffix"),
        row(NA + "spec: {networks: [{cidr: 10.0.0.0/8, except: [10.2.0.0/16, 10.9.9.9]}, {cidr: 'fd00::/8'}]}", "excepts"),
        row(SAZ.replace("v1beta1", "v1alpha1") + "spec: {server: {selector: {matchLabels: {tier: web}}}, client: {meshTLS: {unauthenticatedTLS: true}}}",
            "selector + unauthenticatedTLS"),
        row(GW_ROUTE + "spec: {" + PARENT + ", hostnames: [web.example.com], rules: [{matches: [{method: GET}]}, {}]}", "gateway route"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource
  void admitted(String yaml, String what) {
    InMemoryStore store = new InMemoryStore();
    store.apply(List.of(ScenariosTest.unvalidated(yaml)));
    assertThat(store.snapshot().size()).isEqualTo(1);
  }

  private static Arguments row(String yaml, String line) {
    return Arguments.of(yaml, line);
  }
}
