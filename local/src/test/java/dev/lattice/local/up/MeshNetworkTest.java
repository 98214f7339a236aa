package dev.lattice.local.up;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.local.RootTools;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.ProcessCommandRunner;
import dev.lattice.local.mesh.MeshFile;
import dev.lattice.local.mesh.MeshLayout;
import dev.lattice.local.netns.NamespaceSockets;
import dev.lattice.local.netns.NetworkNamespace;
import dev.lattice.local.netns.ScratchNamespaces;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.state.StateDir;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The network {@code up} builds, without processes (root only): namespaces on one bridge, hosts
 * files, proxy-init rules on meshed workloads only, workloads reaching each other, nothing in the
 * host's namespace; and {@code down} removing exactly that.
 */
class MeshNetworkTest {
  private final CommandRunner runner = ProcessCommandRunner.create();
  private final List<String> output = new ArrayList<>();
  private Path root;
  private StateDir dir;
  private MeshLayout layout;

  @BeforeEach
  void setUp() throws Exception {
    RootTools.assumeRootWith("ip", "iptables");
    root = Files.createTempDirectory(Path.of("/tmp"), "lattice-net");
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
    dir = new StateDir(root);
    // A random id: never collides with a real mesh or a parallel run.
    String id = "t" + HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
    layout = MeshLayout.of(id, MeshFile.parse("""
        network: 10.251.0.0/24
        serviceNetwork: 10.251.1.0/24
        workloads:
          - {name: server, namespace: net, meshed: false, ports: [8000], command: [x]}
          - {name: client, namespace: net, meshed: false, command: [x]}
          - {name: sidecar, namespace: other, command: [x]}
        services:
          - {name: server-svc, namespace: net, selector: {app: server}, ports: [80]}
        """));
  }

  @AfterEach
  void tearDown() throws Exception {
    if (dir != null) {
      new MeshDown(runner, output::add).run(dir);
      MeshUp.deleteTree(root);
    }
  }

  private List<String> namespaces() {
    return ScratchNamespaces.list(runner).stream().map(NetworkNamespace::name).toList();
  }

  @Test
  void buildsTheMeshInItsOwnNamespacesAndDownRemovesIt() throws Exception {
    String hostLinks = runner.runChecked(List.of("ip", "-o", "link")).stdout();
    MeshUp up = new MeshUp(runner, new Installation(Path.of("java"), root), InstantSource.system(), output::add);
    up.buildNetwork(layout, new MeshUp.Recorder(dir, MeshRecord.fresh(layout.meshId(), layout.spec(), "", 0)));

    MeshLayout.Placed server = layout.workload("net", "server").orElseThrow();
    MeshLayout.Placed client = layout.workload("net", "client").orElseThrow();
    MeshLayout.Placed sidecar = layout.workload("other", "sidecar").orElseThrow();
    assertThat(namespaces()).contains(layout.meshNamespace().name(), server.netns().name(), client.netns().name(),
        sidecar.netns().name());
    assertThat(runner.runChecked(List.of("ip", "-o", "link")).stdout()).isEqualTo(hostLinks);
    assertThat(MeshRecord.read(dir.meshRecord()).orElseThrow().namespaces()).hasSize(4);

    // Service names resolve to the virtual IP; the short name only inside the service's namespace.
    assertThat(runner.runChecked(client.netns().exec(List.of("getent", "hosts", "server-svc"))).stdout())
        .startsWith("10.251.1.1");
    assertThat(runner.run(sidecar.netns().exec(List.of("getent", "hosts", "server-svc"))).succeeded()).isFalse();
    assertThat(runner.runChecked(sidecar.netns().exec(List.of("getent", "hosts", "server-svc.net.svc.cluster.local")))
        .stdout()).startsWith("10.251.1.1");

    // Rules only where a proxy will run.
    assertThat(runner.runChecked(sidecar.netns().exec(List.of("iptables", "-t", "nat", "-S"))).stdout())
        .contains("proxy-init/redirect-all-outgoing-to-proxy-port");
    assertThat(runner.runChecked(client.netns().exec(List.of("iptables", "-t", "nat", "-S"))).stdout())
        .doesNotContain("PROXY_INIT");

    // client -> server over the bridge.
    try (NamespaceSockets sockets = new NamespaceSockets();
        ServerSocketChannel listener = sockets.openServer(server.netns())) {
      listener.bind(new InetSocketAddress(server.address(), 8000));
      try (SocketChannel c = sockets.connect(client.netns(), new InetSocketAddress(server.address(), 8000), 3000);
          SocketChannel accepted = listener.accept()) {
        c.write(ByteBuffer.wrap(new byte[] {7}));
        ByteBuffer in = ByteBuffer.allocate(1);
        accepted.read(in);
        assertThat(in.get(0)).isEqualTo((byte) 7);
        assertThat(((InetSocketAddress) accepted.getRemoteAddress()).getAddress()).isEqualTo(client.address());
      }
    }

    assertThat(new MeshDown(runner, output::add).run(dir)).isTrue();
    assertThat(namespaces()).noneMatch(n -> n.startsWith("lattice-" + layout.meshId()));
    assertThat(Path.of("/etc/netns", server.netns().name())).doesNotExist();
    assertThat(dir.meshRecord()).doesNotExist();
    assertThat(output).contains("removed 4 network namespaces (with their links, addresses and iptables rules)");
    assertThat(new MeshDown(runner, output::add).run(dir)).isFalse();
  }
}
