package dev.lattice.proxy.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/** The address an application connected to before iptables redirected the connection to the proxy. */
public record OrigDstAddr(InetSocketAddress address) {
  public OrigDstAddr {
    Objects.requireNonNull(address, "address");
  }

  public int port() {
    return address.getPort();
  }

  @Override
  public String toString() {
    return address.getAddress().getHostAddress() + ":" + address.getPort();
  }
}
