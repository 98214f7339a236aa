package dev.lattice.proxy.env;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * A control-plane address as the injector writes it, e.g.
 * {@code linkerd-identity-headless.linkerd.svc.cluster.local.:8080}: a DNS name or an IP literal
 * ({@code [..]} for IPv6) and a port. Names are kept unresolved; the gRPC client resolves them.
 */
public record HostAndPort(String host, int port) {
  public HostAndPort {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host: empty (expected: a DNS name or IP address)");
    }
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
    }
  }

  /** Parses {@code host:port} or {@code [v6]:port}; the message of the exception is the reason. */
  public static HostAndPort parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("expected host:port");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[")) {
      if (!host.endsWith("]")) {
        throw new IllegalArgumentException("unterminated IPv6 literal, expected [address]:port");
      }
      host = host.substring(1, host.length() - 1);
      if (!IpLiterals.isIpv6(host)) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
      }
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("IPv6 addresses must be bracketed, e.g. [::1]:8080");
    } else if (!IpLiterals.isIpv4(host) && !isDnsName(host)) {
      throw new IllegalArgumentException("'" + host + "' is neither an IP address nor a DNS name");
    }
    return new HostAndPort(host, Ports.parse(text.substring(colon + 1)));
  }

  /**
   * True for {@code localhost} and loopback IP literals. Linkerd talks plaintext only to loopback
   * control addresses; every other address needs a server identity.
   */
  public boolean isLoopback() {
    String lower = host.toLowerCase(Locale.ROOT);
    if (lower.equals("localhost") || lower.equals("localhost.")) {
      return true;
    }
    if (!IpLiterals.isIpv4(host) && !IpLiterals.isIpv6(host)) {
      return false;
    }
    try {
      // Only literals get here, so this never does a DNS lookup.
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  private static boolean isDnsName(String host) {
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    if (name.isEmpty() || name.length() > 253) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!label.matches("[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?")) {
        return false;
      }
    }
    return true;
  }
}
