package dev.lattice.proxy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener whose accept queue is full, so it never answers a SYN: connecting to it
 * times out (rather than being refused), which is how tests get a 504 without waiting on a real
 * unreachable network.
 */
public final class UnansweredListener implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  public UnansweredListener() {
    try {
      server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      // Never accepted: these connections fill the backlog until the kernel stops answering.
      for (int i = 0; i < 8; i++) {
        Socket filler = new Socket();
        try {
          filler.connect(server.getLocalSocketAddress(), 200);
          fillers.add(filler);
        } catch (IOException e) {
          filler.close();
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  @Override
  public void close() throws IOException {
    for (Socket filler : fillers) {
      filler.close();
    }
    server.close();
  }
}
