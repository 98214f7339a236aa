package dev.lattice.demo.runtime;

import java.net.InetSocketAddress;

/** Formats socket addresses the way people type them. */
public final class Addresses {
  private Addresses() {}

  /**
   * {@code 127.0.0.1:8080}, {@code [::1]:8080}, or {@code *:8080} for the wildcard address (which the JDK
   * reports as {@code [::]} even when bound as 0.0.0.0), rather than {@link InetSocketAddress#toString()}'s
   * {@code /127.0.0.1:8080}.
   */
  public static String format(InetSocketAddress address) {
    if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
      return "*:" + address.getPort();
    }
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
