package dev.lattice.e2e;

import dev.lattice.api.destination.DestinationGrpc;
import dev.lattice.api.destination.GetDestination;
import dev.lattice.api.destination.TcpAddress;
import dev.lattice.api.destination.Update;
import dev.lattice.local.netns.NamespaceSockets;
import dev.lattice.local.netns.NetworkNamespace;
import dev.lattice.local.supervise.PortForwarder;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A client of the mesh's destination service, as a proxy is: {@code Get(path)}, each update recorded as
 * a line ({@code add 10.233.0.2:8000}, {@code remove …}, {@code no_endpoints exists=true}). The service
 * listens in the mesh's namespace; the test reaches it through a loopback port-forward.
 */
final class DestinationWatch implements AutoCloseable {
  private final NamespaceSockets sockets = new NamespaceSockets();
  private final PortForwarder forwarder;
  private final ManagedChannel channel;
  final List<String> updates = new CopyOnWriteArrayList<>();

  DestinationWatch(NetworkNamespace meshNamespace, InetSocketAddress destination, String path) throws IOException {
    forwarder = PortForwarder.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), sockets,
        meshNamespace, destination);
    channel = NettyChannelBuilder.forAddress(forwarder.address()).usePlaintext().build();
    DestinationGrpc.newStub(channel).get(GetDestination.newBuilder().setPath(path).build(), new StreamObserver<>() {
      @Override
      public void onNext(Update update) {
        switch (update.getUpdateCase()) {
          case ADD -> update.getAdd().getAddrsList().forEach(a -> updates.add("add " + text(a.getAddr())));
          case REMOVE -> update.getRemove().getAddrsList().forEach(a -> updates.add("remove " + text(a)));
          case NO_ENDPOINTS -> updates.add("no_endpoints exists=" + update.getNoEndpoints().getExists());
          default -> updates.add("unknown");
        }
      }

      @Override
      public void onError(Throwable t) {
        updates.add("error " + t);
      }

      @Override
      public void onCompleted() {
        updates.add("completed");
      }
    });
  }

  static String text(TcpAddress a) {
    int v = a.getIp().getIpv4();
    return ((v >>> 24) & 0xff) + "." + ((v >>> 16) & 0xff) + "." + ((v >>> 8) & 0xff) + "." + (v & 0xff) + ":" + a.getPort();
  }

  @Override
  public void close() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    forwarder.close();
    sockets.close();
  }
}
