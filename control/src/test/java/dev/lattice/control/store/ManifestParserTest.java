package dev.lattice.control.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.store.Service.ServicePort;
import dev.lattice.control.store.Service.TargetPort;
import dev.lattice.control.store.Workload.Container;
import dev.lattice.control.store.Workload.ContainerPort;
import dev.lattice.control.store.Workload.EnvVar;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ManifestParserTest {
  private static final String EMOJIVOTO =
      """
      apiVersion: v1
      kind: Namespace
      metadata:
        name: emojivoto
        annotations:
          config.linkerd.io/opaque-ports: "3306"
      ---
      apiVersion: v1
      kind: ServiceAccount
      metadata:
        name: emoji
        namespace: emojivoto
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: emoji-0
        namespace: emojivoto
        labels:
          app: emoji-svc
          linkerd.io/control-plane-ns: linkerd
      spec:
        serviceAccountName: emoji
        containers:
        - name: emoji-svc
          image: buoyantio/emojivoto-emoji-svc:v11
          command: ["/usr/local/bin/emojivoto-emoji-svc"]
          env:
          - name: GRPC_PORT
            value: "8080"
          ports:
          - name: grpc
            containerPort: 8080
          - containerPort: 8801
            name: prom
      status:
        podIP: 10.244.0.7
        conditions:
        - type: Ready
          status: "True"
      ---
      apiVersion: v1
      kind: Service
      metadata:
        name: emoji-svc
        namespace: emojivoto
      spec:
        selector:
          app: emoji-svc
        clusterIP: 10.96.0.10
        ports:
        - name: grpc
          port: 8080
          targetPort: grpc
        - name: prom
          port: 8801
          targetPort: 8801
      """;

  @Test
  void readsAMultiDocumentFileIntoRecords() throws Exception {
    List<Resource> resources = ManifestParser.parse(EMOJIVOTO);

    assertThat(resources)
        .containsExactly(
            new Namespace("emojivoto", Map.of(), Map.of(MeshKeys.OPAQUE_PORTS, "3306")),
            ServiceAccount.of("emojivoto", "emoji"),
            new Workload(
                "emoji-0",
                "emojivoto",
                "emoji",
                Map.of("app", "emoji-svc", MeshKeys.CONTROL_PLANE_NS_LABEL, "linkerd"),
                Map.of(),
                List.of(
                    new Container(
                        "emoji-svc",
                        "buoyantio/emojivoto-emoji-svc:v11",
                        List.of("/usr/local/bin/emojivoto-emoji-svc"),
                        List.of(),
                        List.of(new EnvVar("GRPC_PORT", "8080")),
                        List.of(ContainerPort.tcp("grpc", 8080), ContainerPort.tcp("prom", 8801)))),
                InetAddress.ofLiteral("10.244.0.7"),
                true),
            new Service(
                "emoji-svc",
                "emojivoto",
                Map.of(),
                Map.of(),
                Map.of("app", "emoji-svc"),
                List.of(
                    ServicePort.tcp("grpc", 8080, new TargetPort.Named("grpc")),
                    ServicePort.tcp("prom", 8801, new TargetPort.Number(8801))),
                InetAddress.ofLiteral("10.96.0.10"),
                false));
    Workload pod = (Workload) resources.get(2);
    assertThat(pod.meshed()).isTrue();
    assertThat(pod.port("grpc")).contains(ContainerPort.tcp("grpc", 8080));
  }

  @Test
  void defaultsLikeKubectl() {
    List<Resource> resources =
        ManifestParser.parse(
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              containers: [{name: web}]
            ---
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web}
            spec:
              ports: [{port: 80}]
            """);
    Workload pod = (Workload) resources.get(0);
    Service svc = (Service) resources.get(1);
    assertThat(pod.namespace()).isEqualTo("default");
    assertThat(pod.serviceAccount()).isEqualTo("default");
    assertThat(pod.ip()).isNull();
    assertThat(pod.ready()).isFalse();
    assertThat(pod.meshed()).isFalse();
    assertThat(svc.ports()).containsExactly(ServicePort.tcp("", 80, new TargetPort.Number(80)));
    assertThat(svc.clusterIp()).isNull();
    assertThat(svc.selector()).isEmpty();
  }

  @Test
  void readsAV1List() {
    List<Resource> resources =
        ManifestParser.parse(
            """
            apiVersion: v1
            kind: List
            items:
            - {apiVersion: v1, kind: Namespace, metadata: {name: a}}
            - {apiVersion: v1, kind: Namespace, metadata: {name: b}}
            """);
    assertThat(resources).containsExactly(Namespace.of("a"), Namespace.of("b"));
  }

  @Test
  void headlessServiceHasNoVirtualIp() {
    Service svc =
        (Service)
            ManifestParser.parse(
                    """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: db}
                    spec: {clusterIP: None, ports: [{port: 5432}], selector: {app: db}}
                    """)
                .getFirst();
    assertThat(svc.headless()).isTrue();
    assertThat(svc.clusterIp()).isNull();
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        rejects(
            "service port zero",
            "kind: Service\nmetadata: {name: emoji-svc}\nspec: {ports: [{port: 0}]}",
            "Service/emoji-svc: spec.ports[0].port: must be 1-65535, got 0"),
        rejects(
            "service port too big",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 70000}]}",
            "Service/s: spec.ports[0].port: must be 1-65535, got 70000"),
        rejects(
            "service port missing",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{name: http}]}",
            "Service/s: spec.ports[0].port: required"),
        rejects(
            "service port as a string",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: '80'}]}",
            "Service/s: spec.ports[0].port: must be an integer, got string '80'"),
        rejects(
            "service without ports",
            "kind: Service\nmetadata: {name: s}\nspec: {selector: {app: s}}",
            "Service/s: spec.ports: must have at least one port"),
        rejects(
            "unnamed ports when several",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}, {port: 81, name: b}]}",
            "Service/s: spec.ports[0].name: required when a service has more than one port"),
        rejects(
            "duplicate service port names",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, name: a}, {port: 81, name: a}]}",
            "Service/s: spec.ports[1].name: duplicate port name 'a'"),
        rejects(
            "bad named target port",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, targetPort: Not_A_Name}]}",
            "Service/s: spec.ports[0].targetPort: must be an IANA service name"),
        rejects(
            "target port out of range",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, targetPort: 0}]}",
            "Service/s: spec.ports[0].targetPort: must be 1-65535, got 0"),
        rejects(
            "service name starting with a digit",
            "kind: Service\nmetadata: {name: 1svc}\nspec: {ports: [{port: 80}]}",
            "Service/1svc: metadata.name: must start with a letter"),
        rejects(
            "bad cluster ip",
            "kind: Service\nmetadata: {name: s}\nspec: {clusterIP: 10.0.0.300, ports: [{port: 80}]}",
            "Service/s: spec.clusterIP: must be an IP address, got '10.0.0.300'"),
        rejects(
            "bad protocol",
            "kind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80, protocol: tcp}]}",
            "Service/s: spec.ports[0].protocol: must be TCP, UDP or SCTP, got 'tcp'"),
        rejects(
            "pod without containers",
            "kind: Pod\nmetadata: {name: p}\nspec: {}",
            "Pod/p: spec.containers: must have at least one container"),
        rejects(
            "pod without spec",
            "kind: Pod\nmetadata: {name: p}",
            "Pod/p: spec: required"),
        rejects(
            "container port zero",
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, ports: [{containerPort: 0}]}]}",
            "Pod/p: spec.containers[0].ports[0].containerPort: must be 1-65535, got 0"),
        rejects(
            "container without a name",
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: x}]}",
            "Pod/p: spec.containers[0].name: required"),
        rejects(
            "duplicate container port names",
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, ports: [{name: http, containerPort: 1}]},"
                + " {name: b, ports: [{name: http, containerPort: 2}]}]}",
            "Pod/p: spec.containers[1].ports[0].name: duplicate port name 'http' (also spec.containers[0].ports[0])"),
        rejects(
            "env from a secret",
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a, env: [{name: X, valueFrom: {}}]}]}",
            "Pod/p: spec.containers[0].env[0].valueFrom: not supported: give a literal value"),
        rejects(
            "bad pod ip",
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\nstatus: {podIP: web.local}",
            "Pod/p: status.podIP: must be an IP address, got 'web.local'"),
        rejects(
            "ready without an ip",
            "kind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: a}]}\nstatus: {conditions: [{type: Ready, status: 'True'}]}",
            "Pod/p: status.conditions[Ready]: a ready workload needs status.podIP"),
        rejects(
            "upper-case pod name",
            "kind: Pod\nmetadata: {name: Web}\nspec: {containers: [{name: a}]}",
            "Pod/Web: metadata.name: must be a DNS-1123 subdomain"),
        rejects(
            "unquoted annotation number",
            "kind: Namespace\nmetadata: {name: n, annotations: {config.linkerd.io/opaque-ports: 3306}}",
            "Namespace/n: metadata.annotations[config.linkerd.io/opaque-ports]: must be a string, got number 3306 (quote it)"),
        rejects(
            "bad opaque ports",
            "kind: Namespace\nmetadata: {name: n, annotations: {config.linkerd.io/opaque-ports: '3306,99999'}}",
            "Namespace/n: metadata.annotations[config.linkerd.io/opaque-ports]: '99999': expected a port"),
        rejects(
            "bad label value",
            "kind: Namespace\nmetadata: {name: n, labels: {app: 'not ok'}}",
            "Namespace/n: metadata.labels[app]: value must be"),
        rejects(
            "namespace on a namespace",
            "kind: Namespace\nmetadata: {name: n, namespace: x}",
            "Namespace/n: metadata.namespace: Namespace is cluster-scoped"),
        rejects(
            "unsupported kind",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}",
            "document 1: kind: Deployment is not supported (supported: Namespace, ServiceAccount, Pod, Service, Server, ServerAuthorization, AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication, HTTPRoute, GRPCRoute)"),
        rejects(
            "wrong api version",
            "apiVersion: v2\nkind: Namespace\nmetadata: {name: n}",
            "Namespace/n: apiVersion: must be v1 for Namespace, got v2"),
        rejects("missing kind", "metadata: {name: n}", "document 1: kind: required"),
        rejects(
            "missing name",
            "kind: Namespace\nmetadata: {labels: {a: b}}",
            "Namespace (document 1): metadata.name: required"),
        rejects("not a mapping", "- a\n- b", "document 1: (root): must be a mapping"),
        rejects("broken yaml", "kind: [unclosed", "document 1: YAML:"),
        rejects(
            "duplicate key",
            "kind: Namespace\nkind: Namespace\nmetadata: {name: n}",
            "document 1: YAML: Duplicate"),
        rejects(
            "same object twice",
            "kind: Namespace\nmetadata: {name: n}\n---\nkind: Namespace\nmetadata: {name: n}",
            "Namespace/n: metadata.name: the file lists Namespace/n more than once"));
  }

  private static Arguments rejects(String name, String yaml, String problem) {
    String withVersion = yaml.contains("apiVersion") ? yaml : "apiVersion: v1\n" + yaml;
    if (yaml.startsWith("- ") || yaml.startsWith("metadata")) {
      withVersion = yaml;
    }
    return Arguments.of(name, withVersion, problem);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejectsWithFieldAndReason(String name, String yaml, String problem) {
    assertThatThrownBy(() -> ManifestParser.parse(yaml))
        .isInstanceOfSatisfying(
            InvalidResourceException.class,
            e -> assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith(problem)));
  }

  @Test
  void reportsEveryProblemOfTheFileAtOnce() {
    assertThatThrownBy(
            () ->
                ManifestParser.parse(
                    """
                    apiVersion: v1
                    kind: Service
                    metadata: {name: a}
                    spec: {ports: [{port: 0}]}
                    ---
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: b}
                    spec: {containers: []}
                    """))
        .isInstanceOfSatisfying(
            InvalidResourceException.class,
            e ->
                assertThat(e.problems())
                    .containsExactly(
                        "Service/a: spec.ports[0].port: must be 1-65535, got 0",
                        "Pod/b: spec.containers: must have at least one container"))
        .hasMessageStartingWith("2 problems:");
  }

  @Test
  void writerOutputReadsBackEqual() {
    List<Resource> resources = ManifestParser.parse(EMOJIVOTO);
    for (Resource r : resources) {
      assertThat(ManifestParser.parse(ManifestWriter.write(r))).containsExactly(r);
    }
    assertThat(ManifestParser.parse(ManifestWriter.write(resources))).isEqualTo(resources);
  }

  @Test
  void stringsThatLookLikeOtherTypesSurviveARoundTrip() {
    Namespace tricky =
        new Namespace(
            "tricky",
            Map.of("a", "true", "b", "3306", "c", "null", "d", "1.0", "e", "yes"),
            Map.of("x/y", "~", "z", "  spaced  ", "multi", "line one\nline two"));
    assertThat(ManifestParser.parse(ManifestWriter.write(tricky))).containsExactly(tricky);
  }
}
