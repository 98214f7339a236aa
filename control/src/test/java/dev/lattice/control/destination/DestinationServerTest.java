package dev.lattice.control.destination;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lattice.api.destination.DestinationGrpc;
import dev.lattice.api.destination.GetDestination;
import dev.lattice.control.store.LocalStore;
import dev.lattice.control.store.ManifestParser;
import dev.lattice.control.store.Workload;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as a process runs it: a real Netty listener on loopback, fed by a local state directory
 * that a second store (standing in for the CLI) changes.
 */
class DestinationServerTest {
  private static final String APP =
      """
      apiVersion: v1
      kind: Namespace
      metadata: {name: emojivoto}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: emoji-svc, namespace: emojivoto}
      spec:
        selector: {app: emoji-svc}
        ports: [{name: grpc, port: 8080, targetPort: grpc}]
      ---
      apiVersion: v1
      kind: Pod
      metadata:
        name: emoji-0
        namespace: emojivoto
        labels: {app: emoji-svc, linkerd.io/control-plane-ns: linkerd}
      spec:
        serviceAccountName: emoji
        containers: [{name: emoji-svc, ports: [{name: grpc, containerPort: 18080}]}]
      status:
        podIP: 127.0.0.42
        conditions: [{type: Ready, status: "True"}]
      """;

  @TempDir Path state;

  @Test
  void servesGetOverNettyAndFollowsTheStateDirectory() throws Exception {
    try (LocalStore cli = LocalStore.open(state, Duration.ZERO);
        LocalStore controlPlane = LocalStore.open(state, Duration.ofMillis(20))) {
      cli.apply(ManifestParser.parse(APP));
      controlPlane.refresh();
      DestinationServer.Config config =
          DestinationServer.Config.defaults().withListen(new InetSocketAddress("127.0.0.1", 0));
      assertThat(DestinationServer.Config.defaults().listen().getPort()).isEqualTo(8086);

      try (DestinationServer server = DestinationServer.start(config, controlPlane)) {
        ManagedChannel channel =
            NettyChannelBuilder.forAddress(server.address()).usePlaintext().build();
        try {
          DestinationApiTest.Stream stream = new DestinationApiTest.Stream();
          DestinationGrpc.newStub(channel)
              .get(
                  GetDestination.newBuilder()
                      .setPath("emoji-svc.emojivoto.svc.cluster.local:8080")
                      .setContextToken("{\"ns\":\"emojivoto\",\"pod\":\"web-0\"}")
                      .build(),
                  stream);

          var first = stream.next().getAdd().getAddrs(0);
          assertThat(DestinationApiTest.address(first.getAddr())).isEqualTo("127.0.0.42:18080");
          assertThat(first.getTlsIdentity().getDnsLikeIdentity().getName())
              .isEqualTo("emoji.emojivoto.serviceaccount.identity.linkerd.cluster.local");

          // Another process marks the workload unready: the stream removes it.
          Workload pod = cli.snapshot().workloads().getFirst();
          cli.apply(List.of(pod.withStatus(InetAddress.ofLiteral("127.0.0.42"), false)));
          assertThat(stream.next().getRemove().getAddrsList())
              .extracting(DestinationApiTest::address)
              .containsExactly("127.0.0.42:18080");
        } finally {
          channel.shutdownNow();
        }
      }
    }
  }
}
