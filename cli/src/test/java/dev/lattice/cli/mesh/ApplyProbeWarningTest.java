package dev.lattice.cli.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.cli.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lattice apply} names the probes a change would block, and still applies it (fail-closed rule,
 * visible); after a namespace edit it names the running workloads that keep their old default policy.
 */
class ApplyProbeWarningTest {
  private static final String WEB = """
      apiVersion: v1
      kind: Namespace
      metadata: {name: shop}
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: web
        namespace: shop
        labels: {app: web, linkerd.io/control-plane-ns: linkerd}
        annotations: {linkerd.io/inject: enabled}
      spec:
        serviceAccountName: web
        containers:
        - name: app
          image: lattice/test-app
          ports:
          - {name: http, containerPort: 8080}
          readinessProbe: {httpGet: {path: /ready, port: http}}
      """;
  private static final String SERVER_WITH_ROUTE = """
      apiVersion: policy.linkerd.io/v1beta3
      kind: Server
      metadata: {name: web-http, namespace: shop}
      spec: {podSelector: {matchLabels: {app: web}}, port: http, proxyProtocol: HTTP/1}
      ---
      apiVersion: policy.linkerd.io/v1beta3
      kind: HTTPRoute
      metadata: {name: orders, namespace: shop}
      spec:
        parentRefs: [{group: policy.linkerd.io, kind: Server, name: web-http}]
        rules: [{matches: [{path: {type: PathPrefix, value: /orders}}]}]
      """;

  @TempDir Path dir;

  @Test
  void applyWarnsWhenARouteWouldBlockADeclaredProbe() throws Exception {
    String state = dir.resolve("state").toString();
    Path web = Files.writeString(dir.resolve("web.yaml"), WEB);
    Path policy = Files.writeString(dir.resolve("policy.yaml"), SERVER_WITH_ROUTE);

    CliRun first = CliRun.run("apply", "-f", web.toString(), "--state-dir", state);
    assertThat(first.exitCode()).as(first.toString()).isZero();
    assertThat(first.err()).as("no Server yet: the automatic probe route authorizes the probe").isEmpty();

    CliRun second = CliRun.run("apply", "-f", policy.toString(), "--state-dir", state);

    assertThat(second.exitCode()).as(second.toString()).isZero();
    assertThat(second.out()).contains("server/web-http created").doesNotContain("Warning");
    assertThat(second.err())
        .startsWith("Warning: 1 declared probe(s) would be refused by their workload's own proxy:")
        .contains("shop/web container app: the readiness probe GET /ready on port 8080")
        .contains("HTTPRoute/orders")
        .contains("fix:");
  }

  @Test
  void applyingANamespaceDefaultNamesTheRunningWorkloadsThatKeepTheirOld() throws Exception {
    String state = dir.resolve("state").toString();
    Path web = Files.writeString(dir.resolve("web.yaml"), WEB);
    Path denyNamespace = Files.writeString(dir.resolve("ns.yaml"), """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: shop
          annotations: {config.linkerd.io/default-inbound-policy: deny}
        """);
    assertThat(CliRun.run("apply", "-f", web.toString(), "--state-dir", state).exitCode()).isZero();

    CliRun edit = CliRun.run("apply", "-f", denyNamespace.toString(), "--state-dir", state);

    assertThat(edit.exitCode()).as(edit.toString()).isZero();
    assertThat(edit.out()).contains("namespace/shop configured");
    assertThat(edit.err())
        .startsWith("Warning: 1 running workload(s) keep the default inbound policy they were created with")
        .contains("shop/web")
        .contains("deny");

    // Drift is still there, but a change that touches no namespace does not repeat it.
    Path policy = Files.writeString(dir.resolve("policy.yaml"), SERVER_WITH_ROUTE);
    CliRun unrelated = CliRun.run("apply", "-f", policy.toString(), "--state-dir", state);
    assertThat(unrelated.exitCode()).isZero();
    assertThat(unrelated.err()).doesNotContain("running workload(s)");
  }
}
