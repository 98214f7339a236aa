package dev.lattice.local.supervise;

import dev.lattice.local.netns.NamespaceSockets;
import dev.lattice.local.netns.NetworkNamespace;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Readiness checks run from the supervisor (in the host's namespace) against a workload's namespace:
 * the proxy's {@code /ready} and the app's first port, both on the workload's loopback, where neither
 * proxy-init rule applies.
 */
public final class Probes {
  private static final int TIMEOUT_MILLIS = 1000;
  private final NamespaceSockets sockets;

  public Probes(NamespaceSockets sockets) {
    this.sockets = sockets;
  }

  /** Whether something accepts TCP connections on {@code 127.0.0.1:port} in {@code ns}. */
  public boolean listening(NetworkNamespace ns, int port) {
    try (SocketChannel ignored = sockets.connect(ns, loopback(port), TIMEOUT_MILLIS)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** An HTTP/1.1 GET on {@code 127.0.0.1:port} in {@code ns}: status code and body. */
  public Response get(NetworkNamespace ns, int port, String path) throws IOException {
    return get(ns, loopback(port), path);
  }

  public Response get(NetworkNamespace ns, InetSocketAddress target, String path) throws IOException {
    try (SocketChannel channel = sockets.connect(ns, target, TIMEOUT_MILLIS)) {
      channel.socket().setSoTimeout(TIMEOUT_MILLIS * 3);
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + target.getAddress().getHostAddress() + ":"
          + target.getPort() + "\r\nConnection: close\r\n\r\n";
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      InputStream in = channel.socket().getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int sp = response.indexOf(' ');
      if (!response.startsWith("HTTP/1.") || sp < 0 || response.length() < sp + 4) {
        throw new IOException("not an HTTP response from " + target + " in " + ns);
      }
      int status = Integer.parseInt(response.substring(sp + 1, sp + 4));
      int bodyAt = response.indexOf("\r\n\r\n");
      return new Response(status, bodyAt < 0 ? "" : response.substring(bodyAt + 4));
    }
  }

  /** Whether the proxy in {@code ns} answers 200 on its admin {@code /ready}. */
  public boolean proxyReady(NetworkNamespace ns) {
    try {
      return get(ns, dev.lattice.api.Ports.PROXY_ADMIN, "/ready").status() == 200;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static InetSocketAddress loopback(int port) {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  public record Response(int status, String body) {}
}
