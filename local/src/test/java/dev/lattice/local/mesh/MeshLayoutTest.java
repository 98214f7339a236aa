package dev.lattice.local.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.Service;
import dev.lattice.control.store.Workload;
import dev.lattice.local.netns.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class MeshLayoutTest {
  private final MeshLayout layout = MeshLayout.of("ab12", DemoMesh.spec(List.of("java")));

  @Test
  void placesBridgeWorkloadsAndVirtualIps() {
    assertThat(layout.meshNamespace().name()).isEqualTo("lattice-ab12");
    assertThat(layout.bridgeCidr()).isEqualTo(Cidr.parse("10.233.0.1/16"));
    assertThat(layout.workloads()).extracting(p -> p.netns().name() + "=" + p.address().getHostAddress() + "@" + p.bridgePort())
        .containsExactly("lattice-ab12-emojivoto-emoji=10.233.0.2@w0", "lattice-ab12-emojivoto-voting=10.233.0.3@w1",
            "lattice-ab12-emojivoto-web=10.233.0.4@w2", "lattice-ab12-emojivoto-vote-bot=10.233.0.5@w3");
    assertThat(layout.services()).extracting(s -> s.virtualIp().getHostAddress())
        .containsExactly("10.234.0.1", "10.234.0.2", "10.234.0.3");
    assertThat(Ipv4.contains(MeshSpec.DEFAULT_SERVICE_NETWORK, layout.services().getFirst().virtualIp())).isTrue();
  }

  @Test
  void rejectsBadMeshIds() {
    assertThatThrownBy(() -> MeshLayout.of("AB/1", layout.spec())).hasMessageContaining("mesh id: 'AB/1'");
  }

  @Test
  void hostsFileResolvesServiceNamesToVirtualIps() {
    MeshLayout.Placed web = layout.workload("emojivoto", "web").orElseThrow();
    assertThat(HostsFile.render(layout, web)).contains(
        "127.0.0.1\tlocalhost\n",
        "10.233.0.4\tweb\n",
        "10.234.0.1\temoji-svc emoji-svc.emojivoto emoji-svc.emojivoto.svc.cluster.local\n",
        "10.234.0.3\tweb-svc web-svc.emojivoto web-svc.emojivoto.svc.cluster.local\n");
  }

  @Test
  void storeRecordsDescribeTheMesh() {
    List<Resource> records = MeshResources.of(layout);
    List<Workload> pods = records.stream().filter(Workload.class::isInstance).map(Workload.class::cast).toList();
    assertThat(pods).hasSize(4).allSatisfy(p -> {
      assertThat(p.ready()).isFalse();
      assertThat(p.labels()).containsEntry(MeshKeys.CONTROL_PLANE_NS_LABEL, "linkerd");
      assertThat(p.serviceAccount()).isEqualTo(p.name());
    });
    assertThat(pods.get(2).ip().getHostAddress()).isEqualTo("10.233.0.4");
    Service web = records.stream().filter(Service.class::isInstance).map(Service.class::cast)
        .filter(s -> s.name().equals("web-svc")).findFirst().orElseThrow();
    assertThat(web.clusterIp().getHostAddress()).isEqualTo("10.234.0.3");
    assertThat(web.selects(pods.get(2))).isTrue();
    assertThat(web.selects(pods.get(0))).isFalse();
    assertThat(MeshResources.workload(layout, layout.workloads().get(2), true).ready()).isTrue();
  }
}
