package dev.lattice.local.netns;

import java.net.Inet6Address;
import java.net.InetAddress;

/** An address with a prefix length, e.g. {@code 10.254.0.1/30} or {@code fd00::1/64}; parsed without DNS. */
public record Cidr(InetAddress address, int prefixLength) {
  public Cidr {
    int max = address instanceof Inet6Address ? 128 : 32;
    if (prefixLength < 0 || prefixLength > max) {
      throw new IllegalArgumentException("prefix length: " + prefixLength + " (expected: 0.." + max + ")");
    }
  }

  /** Parses {@code a.b.c.d/n} or {@code x:y::z/n}; a missing prefix means a single host. */
  public static Cidr parse(String text) {
    String s = text == null ? "" : text.strip();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    InetAddress address;
    try {
      // ofLiteral never resolves names: "localhost" or "example.com" is an error, not a DNS query.
      address = InetAddress.ofLiteral(addr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("CIDR: " + text + " (expected: an IP literal with /prefix)", e);
    }
    int max = address instanceof Inet6Address ? 128 : 32;
    if (slash < 0) {
      return new Cidr(address, max);
    }
    try {
      return new Cidr(address, Integer.parseInt(s.substring(slash + 1)));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("CIDR: " + text + " (expected: a prefix length after '/')", e);
    }
  }

  public boolean isIpv6() {
    return address instanceof Inet6Address;
  }

  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
