package dev.lattice.cli.authz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.CliRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lattice validate}, {@code lattice authz} and {@code lattice authz explain}, run as a user runs them. */
class AuthzCommandsTest {
  private static final String FRONTEND = "frontend.shop.serviceaccount.identity.linkerd.cluster.local";

  @TempDir Path dir;
  Path manifests;

  @BeforeEach
  void fixture() throws IOException {
    manifests = Files.createDirectory(dir.resolve("manifests"));
    copy("namespaces.yaml");
    copy("web.yaml");
    Files.writeString(manifests.resolve("README.md"), "not a manifest: ignored in a directory\n");
    Files.writeString(manifests.resolve("policy.yaml"), """
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: web-http, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: http, proxyProtocol: HTTP/1}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: orders-grpc, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: grpc, proxyProtocol: gRPC}
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: MeshTLSAuthentication
        metadata: {name: frontend-only, namespace: shop}
        spec: {identities: ["frontend.shop.serviceaccount.identity.linkerd.cluster.local"]}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: HTTPRoute
        metadata: {name: orders-read, namespace: shop}
        spec:
          parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
          rules: [{matches: [{path: {type: PathPrefix, value: /orders}, method: GET}]}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: orders-read-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: orders-read}
          requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: frontend-only}]
        ---
        apiVersion: policy.linkerd.io/v1alpha1
        kind: AuthorizationPolicy
        metadata: {name: grpc-frontend, namespace: shop}
        spec:
          targetRef: {group: policy.linkerd.io, kind: Server, name: orders-grpc}
          requiredAuthenticationRefs: [{kind: ServiceAccount, name: frontend}]
        """);
  }

  private void copy(String name) throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/policy/" + name)) {
      Files.write(manifests.resolve(name), in.readAllBytes());
    }
  }

  private CliRun explain(String... args) {
    String[] all = new String[args.length + 6];
    System.arraycopy(new String[] {"authz", "explain", "-f", manifests.toString(), "--to", "web.shop"}, 0, all, 0, 6);
    System.arraycopy(args, 0, all, 6, args.length);
    return CliRun.run(all);
  }

  // ---- validate

  @Test
  void validateAcceptsValidManifestsAndIgnoresOtherFilesInADirectory() {
    CliRun run = CliRun.run("validate", "-f", manifests.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("9 objects are valid\n");
  }

  @Test
  void validatePrintsOneLinePerProblemAndFails() throws IOException {
    Path bad = dir.resolve("bad.yml");
    Files.writeString(bad, """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: bad-except, namespace: shop}
        spec: {networks: [{cidr: 10.1.1.0/24, except: [10.1.2.0/24]}]}
        ---
        apiVersion: policy.linkerd.io/v1beta3
        kind: Server
        metadata: {name: bad-access, namespace: shop}
        spec: {podSelector: {matchLabels: {app: web}}, port: 8080, accessPolicy: foobar}
        """);
    CliRun run = CliRun.run("validate", "-f", bad.toString(), "-f", manifests.toString());
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("""
        NetworkAuthentication/bad-except: spec.networks[0].except[0]: cidr '10.1.1.0/24' does not include exception '10.1.2.0/24'
        Server/bad-access: spec.accessPolicy: Invalid 'accessPolicy' field: invalid mode: "foobar" (expected one of \
        all-unauthenticated, all-authenticated, cluster-authenticated, cluster-unauthenticated, deny, audit)
        """);
    assertThat(run.out()).isEmpty();
  }

  @Test
  void validateReportsTheSameObjectInTwoFiles() throws IOException {
    Files.copy(manifests.resolve("web.yaml"), dir.resolve("web-again.yaml"));
    CliRun run = CliRun.run("validate", "-f", manifests.toString(), "-f", dir.resolve("web-again.yaml").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("Pod/web: metadata.name: listed more than once in namespace shop");
  }

  @Test
  void directoriesAreReadRecursivelyOnlyWithR() throws IOException {
    Path top = Files.createDirectory(dir.resolve("top"));
    Files.move(manifests, top.resolve("nested"));
    CliRun flat = CliRun.run("validate", "-f", top.toString());
    assertThat(flat.exitCode()).isEqualTo(1);
    assertThat(flat.err()).contains("no manifests (.yaml, .yml or .json)").contains("use -R");
    CliRun recursive = CliRun.run("validate", "-R", "-f", top.toString());
    assertThat(recursive.exitCode()).as(recursive.toString()).isZero();
  }

  // ---- explain

  @Test
  void explainAllowsWithExitZeroAndJson() {
    CliRun run = explain("--port", "8080", "--from-identity", FRONTEND, "--from-ip", "10.1.0.20",
        "--method", "GET", "--path", "/orders/17", "-o", "json");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("""
        {
          "decision": "allow",
          "audit": false,
          "server": "server/web-http",
          "route": "HTTPRoute/orders-read",
          "authorization": "authorizationpolicy/orders-read-frontend",
          "reason": "admitted by authorizationpolicy/orders-read-frontend (route-level): mesh identity in \
        [frontend.shop.serviceaccount.identity.linkerd.cluster.local] from anywhere",
        """);
  }

  @Test
  void explainDeniesWithExitThreeAndExplainsTheFailedAuthentication() {
    CliRun run = explain("--port", "8080", "--from-ip", "10.1.0.30", "--method", "GET", "--path", "/orders/17");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.out()).isEqualTo("""
        Traffic:    GET /orders/17 from 10.1.0.30 (no mesh TLS) to shop/web:8080
        Server:     server/web-http, protocol HTTP/1
        Route:      HTTPRoute/orders-read
        Decision:   DENY: HTTP 403, empty body
        Reason:     no authorization on HTTPRoute/orders-read of server/web-http admits 10.1.0.30 (no mesh TLS): \
        authorizationpolicy/orders-read-frontend requires a mesh identity \
        [frontend.shop.serviceaccount.identity.linkerd.cluster.local], the connection has no mesh TLS
        Tried:
          - authorizationpolicy/orders-read-frontend (route-level): requires a mesh identity \
        [frontend.shop.serviceaccount.identity.linkerd.cluster.local], the connection has no mesh TLS
          - default/localhost (built-in): client IP 10.1.0.30 is not in [127.0.0.1/32, ::1/128]
        To allow:   mesh the client: authorizationpolicy/orders-read-frontend admits it only over mesh TLS with an identity
        """);
  }

  @Test
  void explainReportsNoRouteAsADenial() {
    CliRun run = explain("--port", "8080", "--from-identity", FRONTEND, "--path", "/catalog", "-o", "json");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("\"decision\": \"deny\"").contains("\"route\": null")
        .contains("\"outcome\": \"no-route\"").contains("\"response\": \"HTTP 404, empty body\"");
  }

  @Test
  void explainGrpcCalls() {
    CliRun allowed = explain("--port", "9000", "--from-identity", FRONTEND, "--grpc", "shop.Orders/Get");
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
    assertThat(allowed.out()).contains("Authorized: authorizationpolicy/grpc-frontend");
    CliRun denied = explain("--port", "9000", "--unauthenticated", "--grpc", "shop.Orders/Get");
    assertThat(denied.exitCode()).isEqualTo(3);
    assertThat(denied.out()).contains("Decision:   DENY: HTTP 200, grpc-status 7 (PERMISSION_DENIED)");
  }

  @Test
  void withoutARequestExplainDecidesATcpConnection() {
    CliRun run = explain("--port", "7000", "--from-ip", "10.1.0.30", "--default-policy", "deny");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("Traffic:    TCP connection from 10.1.0.30 (no mesh TLS) to shop/web:7000")
        .contains("Server:     default/deny (cluster default), protocol unknown")
        .contains("Decision:   DENY: connection closed without forwarding a byte")
        .doesNotContain("Route:");
    CliRun open = explain("--port", "7000", "--from-ip", "10.1.0.30");
    assertThat(open.exitCode()).isZero();
  }

  @Test
  void explainHonoursHeadersClusterNetworksAndAuditDefaults() {
    CliRun run = explain("--port", "9090", "--from-ip", "192.168.1.1", "--default-policy", "cluster-unauthenticated",
        "--cluster-networks", "10.0.0.0/8", "--header", "x-tenant=blue", "-o", "json");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out()).contains("client IP 192.168.1.1 is not in [10.0.0.0/8]");
    CliRun audit = explain("--port", "9090", "--from-ip", "203.0.113.50", "--default-policy", "audit", "--path", "/");
    assertThat(audit.exitCode()).isZero();
    assertThat(audit.out()).contains("Decision:   ALLOW (audit)");
  }

  @Test
  void explainRejectsBadInputWithAClearMessage() {
    CliRun unknownPod = CliRun.run("authz", "explain", "-f", manifests.toString(), "--to", "api.shop", "--port", "80");
    assertThat(unknownPod.exitCode()).isEqualTo(1);
    assertThat(unknownPod.err()).isEqualTo("lattice: no workload (Pod) api in namespace shop in the manifests\n");
    CliRun badPolicy = explain("--port", "8080", "--default-policy", "all_authenticated");
    assertThat(badPolicy.exitCode()).isEqualTo(1);
    assertThat(badPolicy.err()).contains("--default-policy must be one of: all-unauthenticated, all-authenticated,");
    CliRun badGrpc = explain("--port", "9000", "--grpc", "shop.Orders");
    assertThat(badGrpc.exitCode()).isEqualTo(2);
    assertThat(badGrpc.err()).contains("--grpc must be SERVICE/METHOD");
    CliRun both = explain("--port", "9000", "--from-identity", FRONTEND, "--unauthenticated");
    assertThat(both.exitCode()).isEqualTo(2);
  }

  @Test
  void explainRefusesInvalidManifests() throws IOException {
    Files.writeString(manifests.resolve("bad.yaml"), """
        apiVersion: policy.linkerd.io/v1alpha1
        kind: NetworkAuthentication
        metadata: {name: empty, namespace: shop}
        spec: {networks: []}
        """);
    CliRun run = explain("--port", "8080");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("NetworkAuthentication/empty: spec.networks: at least one network must be specified");
  }

  // ---- authz

  @Test
  void authzListsEachPortsServerRoutesAndAuthorizations() {
    CliRun run = CliRun.run("authz", "-n", "shop", "web", "-f", manifests.toString());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.out()).isEqualTo("""
        PORT  ROUTE          SERVER                                 AUTHORIZATION_POLICY                    SERVER_AUTHORIZATION
        4191  default:probe  default:all-unauthenticated (unknown)  default:probe
        4191  *              default:all-unauthenticated (unknown)  default:all-unauthenticated
        7000  *              default:all-unauthenticated (unknown)  default:all-unauthenticated
        8080  orders-read    web-http (HTTP/1)                      orders-read-frontend
        8080  *              web-http (HTTP/1)                      (none: only localhost and route-level)
        9000  *              orders-grpc (gRPC)                     grpc-frontend
        9090  default:probe  default:all-unauthenticated (unknown)  default:probe
        9090  *              default:all-unauthenticated (unknown)  default:all-unauthenticated
        """.replace("9090  default:probe  default:all-unauthenticated (unknown)  default:probe\n", ""));
  }

  @Test
  void authzNeedsAWorkloadAndFiles() {
    CliRun run = CliRun.run("authz", "-n", "shop", "-f", manifests.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Missing required parameter: 'WORKLOAD'");
  }

  static String resource(String name) throws IOException {
    try (InputStream in = AuthzCommandsTest.class.getResourceAsStream("/policy/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
