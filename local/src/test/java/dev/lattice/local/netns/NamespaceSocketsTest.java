package dev.lattice.local.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lattice.local.RootTools;
import dev.lattice.local.exec.CommandRunner;
import dev.lattice.local.exec.ProcessCommandRunner;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sockets created in another namespace through setns(2) (root only). */
class NamespaceSocketsTest {
  private static final String PREFIX = "lt-sock";
  private final CommandRunner runner = ProcessCommandRunner.create();
  private NetworkPlan plan;
  private NamespaceSockets sockets;

  @BeforeEach
  void setUp() {
    RootTools.assumeRootWith("ip");
    ScratchNamespaces.reapStale(runner, PREFIX);
    plan = NetworkPlan.using(runner);
    sockets = new NamespaceSockets();
  }

  @AfterEach
  void tearDown() {
    if (sockets != null) {
      sockets.close();
    }
    if (plan != null) {
      plan.close();
    }
  }

  @Test
  void loopbackOfAnotherNamespaceIsReachableOnlyThroughIt() throws IOException {
    NetworkNamespace ns = plan.namespace(ScratchNamespaces.unique(PREFIX));
    try (ServerSocketChannel server = sockets.openServer(ns)) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      try (SocketChannel client = sockets.connect(ns, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
          SocketChannel accepted = server.accept()) {
        client.write(ByteBuffer.wrap(new byte[] {42}));
        ByteBuffer read = ByteBuffer.allocate(1);
        accepted.read(read);
        assertThat(read.get(0)).isEqualTo((byte) 42);
      }
      // The host's loopback is another namespace: nothing listens on that port there.
      assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(IOException.class);
    }
  }

  @Test
  void unknownNamespaceIsAClearError() {
    assertThatThrownBy(() -> sockets.open(new NetworkNamespace("lt-sock-does-not-exist")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/run/netns/lt-sock-does-not-exist")
        .hasMessageContaining("does the network namespace exist?");
  }
}
