package dev.lattice.proxy.policy;

import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifests that exercise every part of the policy model: the control module's spec §4.1 fixture
 * (read from its test resources, so both modules test the same objects) plus one object of each shape
 * the scenarios use — routes with every match kind, gRPC routes, authentications of every kind.
 */
final class PolicyCorpus {
  static final Path FIXTURE = Path.of("..", "control", "src", "test", "resources", "policy", "fixture");
  static final String WEB = "{\"ns\":\"shop\",\"pod\":\"web\"}";

  private PolicyCorpus() {}

  /** Namespaces shop and ops, and the workload web (ports 8080 http, 9090 admin, 9000 grpc, 7000 echo). */
  static List<Resource> base() {
    List<Resource> out = new ArrayList<>(fixture("namespaces.yaml"));
    out.addAll(fixture("web.yaml"));
    return out;
  }

  /** The catalogue: Servers web-http, web-admin, orders-grpc, echo-tcp and the authentications. */
  static List<Resource> catalogue() {
    return fixture("catalogue.yaml");
  }

  static List<Resource> fixture(String name) {
    try {
      return ManifestParser.parse(Files.readString(FIXTURE.resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException("the control module's policy fixture is missing: " + FIXTURE.toAbsolutePath(), e);
    }
  }

  /** Everything else, one object of each kind the scenarios use. */
  static List<Resource> extras() {
    return ManifestParser.parse("""
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: http-from-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-http}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: most, namespace: shop}
        spec:
          networks:
          - {cidr: 10.0.0.0/8, except: [10.2.0.0/16, 10.3.0.7]}
          - {cidr: "fd00::/8", except: ["fd00::1/128"]}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: by-ref, namespace: shop}
        spec: {identityRefs: [{kind: ServiceAccount, name: frontend}, {kind: Namespace, name: ops}]}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: admin-from-most, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: web-admin}
          requiredAuthenticationRefs:
          - {group: policy.linkerd.io, kind: NetworkAuthentication, name: most}
          - {group: policy.linkerd.io, kind: MeshTLSAuthentication, name: by-ref}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: namespace-wide, namespace: shop}
        spec:
          targetRef: {kind: Namespace, name: shop}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: any-meshed}]
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: echo-tls-only, namespace: shop}
        spec:
          server: {name: echo-tcp}
          client: {meshTLS: {unauthenticatedTLS: true}}
        ---
        apiVersion: policy.linkerd.io/v1beta1
        kind: ServerAuthorization
        metadata: {name: echo-from-ip, namespace: shop}
        spec:
          server: {name: echo-tcp}
          client: {unauthenticated: true, networks: [{cidr: 10.1.0.30/32}, {cidr: "::1/128"}]}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: orders-read, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
          hostnames: [web.shop.svc.cluster.local, "*.example.com"]
          rules:
          - matches:
            - {path: {type: PathPrefix, value: /orders}, method: GET}
            - {path: {type: Exact, value: /export}, queryParams: [{name: format, value: csv}], method: HEAD}
            - path: {type: RegularExpression, value: "/items/[0-9]+"}
              headers: [{name: X-Tenant, value: blue}, {name: x-trace, type: RegularExpression, value: "a.*"}]
              queryParams: [{name: q, type: RegularExpression, value: "[a-z]+"}]
          - {}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: no-rules, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
          rules: []
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: orders-read-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: orders-read}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-only}]
        ---
        apiVersion: gateway.networking.k8s.io/v1
        kind: GRPCRoute
        metadata: {name: orders, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: orders-grpc}]
          rules:
          - matches:
            - method: {service: orders.Orders, method: Get}
            - method: {service: orders.Orders}
              headers: [{name: x-tenant, value: blue}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: grpc-anyone-meshed, namespace: shop}
        spec:
          targetRef: {group: gateway.networking.k8s.io, kind: GRPCRoute, name: orders}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: any-meshed}]
        """);
  }
}
