package dev.lattice.control.destination;

import java.net.InetAddress;

/** What a client asked to discover. */
public sealed interface Target {
  int port();

  /** {@code <name>.<namespace>.svc.<cluster-domain>:<port>}. */
  record ServiceName(String namespace, String name, int port) implements Target {
    @Override
    public String toString() {
      return name + "." + namespace + ":" + port;
    }
  }

  /** A service's virtual IP and port: a Lattice extension, see docs/control-plane.md. */
  record VirtualIp(InetAddress ip, int port) implements Target {
    @Override
    public String toString() {
      return ip.getHostAddress() + ":" + port;
    }
  }
}
