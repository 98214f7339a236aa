package dev.lattice.local.supervise;

import dev.lattice.local.netns.NamespaceSockets;
import dev.lattice.local.netns.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes one workload port on the host's loopback: each connection accepted on {@code listen} (in
 * the host's namespace) is spliced to {@code target}, dialled from the mesh's own namespace, so the
 * connection enters the workload through its veth and its inbound proxy, like any client's.
 */
public final class PortForwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PortForwarder.class);

  private final ServerSocket server;
  private final NamespaceSockets sockets;
  private final NetworkNamespace from;
  private final InetSocketAddress target;

  private PortForwarder(ServerSocket server, NamespaceSockets sockets, NetworkNamespace from, InetSocketAddress target) {
    this.server = server;
    this.sockets = sockets;
    this.from = from;
    this.target = target;
  }

  public static PortForwarder start(InetSocketAddress listen, NamespaceSockets sockets, NetworkNamespace from,
      InetSocketAddress target) throws IOException {
    ServerSocket server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(listen);
    PortForwarder forwarder = new PortForwarder(server, sockets, from, target);
    Thread.ofVirtual().name("port-forward-accept").start(forwarder::acceptLoop);
    return forwarder;
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread.ofVirtual().start(() -> serve(client));
      } catch (IOException e) {
        if (!server.isClosed()) {
          log.warn("port-forward accept failed: {}", e.toString());
        }
      }
    }
  }

  private void serve(Socket client) {
    try (client; SocketChannel upstream = sockets.connect(from, target, 3000)) {
      Socket up = upstream.socket();
      Thread back = Thread.ofVirtual().start(() -> pump(up, client));
      pump(client, up);
      back.join();
    } catch (IOException e) {
      log.info("port-forward to {} failed: {}", target, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // Copies until EOF, then half-closes the other side so HTTP/1.0-style clients see the end.
  private static void pump(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      in.transferTo(out);
      out.flush();
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
        from.close();
      } catch (IOException ignored) {
        // Both sides are going away anyway.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
