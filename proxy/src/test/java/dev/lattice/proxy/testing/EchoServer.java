package dev.lattice.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A plain TCP echo server on virtual threads: the opaque "application" in tests. */
public final class EchoServer implements AutoCloseable {
  private final ServerSocket socket;
  /** Connections accepted (policy tests check that refused ones never arrive). */
  public final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();

  public EchoServer() throws IOException {
    socket = new ServerSocket(0, 1024, java.net.InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(this::accept);
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) socket.getLocalSocketAddress();
  }

  private void accept() {
    while (!socket.isClosed()) {
      try {
        Socket s = socket.accept();
        accepted.incrementAndGet();
        Thread.ofVirtual().start(() -> echo(s));
      } catch (IOException e) {
        return;
      }
    }
  }

  private static void echo(Socket s) {
    try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
      byte[] buf = new byte[16 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException ignored) {
      // client went away
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
