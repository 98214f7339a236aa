package dev.lattice.local.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.api.ProxyEnv;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.supervise.ProxyLaunch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code annotations:} on a mesh.yaml workload: onto the Pod record, into the proxy's start-time default. */
class WorkloadAnnotationsTest {
  private static final String KEY = "config.linkerd.io/default-inbound-policy";
  private static final String MESH = """
      workloads:
        - name: guarded
          namespace: shop
          ports: [8080]
          annotations: {config.linkerd.io/default-inbound-policy: cluster-authenticated}
          command: [sleep, infinity]
        - name: open
          namespace: shop
          command: [sleep, infinity]
      """;

  @Test
  void annotationsReachThePodRecordAndTheProxysDefault() {
    MeshLayout layout = MeshLayout.of("t1", MeshFile.parse(MESH));
    MeshLayout.Placed guarded = layout.workloads().getFirst();
    MeshLayout.Placed open = layout.workloads().get(1);
    assertThat(guarded.spec().annotations()).isEqualTo(Map.of(KEY, "cluster-authenticated"));
    assertThat(MeshResources.workload(layout, guarded, false).annotations())
        .containsEntry(KEY, "cluster-authenticated").containsKey(MeshResources.NETNS_ANNOTATION);
    assertThat(MeshResources.workload(layout, open, false).annotations()).doesNotContainKey(KEY);

    Path any = Path.of("/nonexistent");
    assertThat(ProxyLaunch.env(layout, guarded, "anchors", any, any))
        .containsEntry(ProxyEnv.INBOUND_DEFAULT_POLICY, "cluster-authenticated");
    assertThat(ProxyLaunch.env(layout, open, "anchors", any, any))
        .containsEntry(ProxyEnv.INBOUND_DEFAULT_POLICY, ProxyLaunch.DEFAULT_INBOUND_POLICY);
  }

  @Test
  void theProxyLogLevelAnnotationBecomesTheProxysLogFilterAndABadOneIsRejected() {
    String withLog = MESH.replace("annotations: {config.linkerd.io/default-inbound-policy: cluster-authenticated}",
        "annotations: {config.linkerd.io/proxy-log-level: 'warn,linkerd=debug'}");
    MeshLayout layout = MeshLayout.of("t1", MeshFile.parse(withLog));
    Path any = Path.of("/nonexistent");

    assertThat(ProxyLaunch.env(layout, layout.workloads().getFirst(), "anchors", any, any))
        .containsEntry(ProxyEnv.LOG, "warn,linkerd=debug")
        .containsEntry(ProxyEnv.INBOUND_IPS, layout.workloads().getFirst().address().getHostAddress());
    assertThat(ProxyLaunch.env(layout, layout.workloads().get(1), "anchors", any, any)).doesNotContainKey(ProxyEnv.LOG);

    assertThatThrownBy(() -> MeshFile.parse(withLog.replace("linkerd=debug", "linkerd=loud")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workloads[0].annotations.config.linkerd.io/proxy-log-level: 'loud' is not a level");
  }

  @Test
  void anInvalidDefaultPolicyIsRejectedNamingTheField() {
    assertThatThrownBy(() -> MeshFile.parse(MESH.replace("cluster-authenticated", "all_authenticated")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workloads[0].annotations." + KEY + ": invalid value \"all_authenticated\"")
        .hasMessageContaining("all-authenticated");
  }

  @Test
  void theMeshRecordKeepsThemAndReadsRecordsWrittenBeforeThem(@TempDir Path dir) throws Exception {
    MeshSpec spec = MeshFile.parse(MESH);
    Path file = dir.resolve("mesh.json");
    MeshRecord.fresh("t1", spec, "", 0).write(file);
    assertThat(MeshRecord.read(file).orElseThrow().workloads().getFirst().annotations())
        .isEqualTo(Map.of(KEY, "cluster-authenticated"));

    Files.writeString(file, Files.readString(file).replaceAll(",\\s*\"annotations\"\\s*:\\s*\\{[^}]*\\}", ""));
    assertThat(Files.readString(file)).doesNotContain("annotations");
    assertThat(MeshRecord.read(file).orElseThrow().workloads()).allSatisfy(w -> assertThat(w.annotations()).isEmpty());
  }
}
