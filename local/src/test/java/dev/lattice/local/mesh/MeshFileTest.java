package dev.lattice.local.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeshFileTest {
  @Test
  void readsWorkloadsAndServicesWithDefaults() {
    MeshSpec spec = MeshFile.parse("""
        workloads:
          - name: hello
            namespace: demo
            ports: [8000]
            command: [python3, -m, http.server, "8000"]
            env: {GREETING: hi}
          - name: curl
            meshed: false
            command: [sleep, infinity]
        services:
          - name: hello-svc
            namespace: demo
            selector: {app: hello}
            ports: [{port: 80, targetPort: 8000}]
        """);
    assertThat(spec.network()).isEqualTo(MeshSpec.DEFAULT_NETWORK);
    WorkloadSpec hello = spec.workloads().getFirst();
    assertThat(hello.serviceAccount()).isEqualTo("hello");
    assertThat(hello.meshed()).isTrue();
    assertThat(hello.labels()).isEqualTo(Map.of("app", "hello"));
    assertThat(hello.command()).containsExactly("python3", "-m", "http.server", "8000");
    assertThat(hello.env()).isEqualTo(Map.of("GREETING", "hi"));
    WorkloadSpec curl = spec.workloads().get(1);
    assertThat(curl.namespace()).isEqualTo("default");
    assertThat(curl.meshed()).isFalse();
    assertThat(spec.services().getFirst().ports()).containsExactly(new ServiceSpec.Port("", 80, 8000));
    assertThat(spec.namespaces()).containsExactly("demo", "default");
  }

  @Test
  void reportsEveryProblemAtOnceNamingTheField() {
    assertThatThrownBy(() -> MeshFile.parse("""
        network: not-a-cidr
        workloads:
          - name: Hello_World
            ports: [4143, 99999]
            comand: [x]
        services:
          - name: svc
            ports: [{port: 80, targetPort: http}]
        """))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("network: CIDR: not-a-cidr")
        .hasMessageContaining("workloads[0].comand: unknown field")
        .hasMessageContaining("services[0].ports[0].targetPort: expected a number");
  }

  @Test
  void specChecksNamesPortsAndRanges() {
    assertThatThrownBy(() -> MeshFile.parse("""
        serviceNetwork: 10.233.1.0/24
        workloads:
          - name: Hello_World
            ports: [4143, 99999]
            command: []
        services:
          - name: svc
            ports: [80]
        """))
        .hasMessageContaining("serviceNetwork: 10.233.1.0/24 overlaps network 10.233.0.0/16")
        .hasMessageContaining("workloads[0] (Hello_World).name: 'Hello_World' (expected: a DNS-1123 label")
        .hasMessageContaining("ports: 4143 is one of the proxy's own ports")
        .hasMessageContaining("ports: 99999 (expected: 1-65535)")
        .hasMessageContaining("command: empty")
        .hasMessageContaining("services[0] (svc).selector: empty");
  }

  @Test
  void rejectsDuplicatesAndBadYaml() {
    assertThatThrownBy(() -> MeshFile.parse("workloads: [\n")).hasMessageStartingWith("not valid YAML");
    assertThatThrownBy(() -> MeshFile.parse("""
        workloads:
          - {name: a, command: [x]}
          - {name: a, command: [y]}
        """)).hasMessageContaining("default/a is listed more than once");
  }

  @Test
  void demoHasFourIdentitiesAndEmojivotoPorts() {
    MeshSpec demo = DemoMesh.spec(List.of("java", "Demo"));
    assertThat(demo.workloads()).extracting(WorkloadSpec::serviceAccount)
        .containsExactly("emoji", "voting", "web", "vote-bot");
    assertThat(demo.workloads().get(2).command()).containsExactly("java", "Demo", "web");
    assertThat(demo.services()).extracting(s -> s.name() + ":" + s.ports().getFirst().port() + "->"
        + s.ports().getFirst().targetPort())
        .containsExactly("emoji-svc:8080->8080", "voting-svc:8080->8080", "web-svc:80->8080");
  }
}
