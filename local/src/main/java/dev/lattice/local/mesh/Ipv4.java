package dev.lattice.local.mesh;

import dev.lattice.local.netns.Cidr;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 arithmetic on {@link Cidr}s: the n-th host of a range, overlap. */
public final class Ipv4 {
  private Ipv4() {}

  /** The address {@code offset} after the start of {@code range}'s network (offset 1 = first host). */
  public static Inet4Address host(Cidr range, int offset) {
    long size = 1L << (32 - range.prefixLength());
    if (offset < 1 || offset >= size - 1) {
      throw new IllegalArgumentException("host " + offset + " of " + range + " (expected: 1.." + (size - 2) + ")");
    }
    return of(network(range) + offset);
  }

  /** Whether {@code address} lies in {@code range}. */
  public static boolean contains(Cidr range, InetAddress address) {
    return address instanceof Inet4Address && (toLong(address) & mask(range)) == network(range);
  }

  static boolean overlaps(Cidr a, Cidr b) {
    long m = mask(a.prefixLength() < b.prefixLength() ? a : b);
    return (network(a) & m) == (network(b) & m);
  }

  private static long network(Cidr range) {
    return toLong(range.address()) & mask(range);
  }

  private static long mask(Cidr range) {
    return range.prefixLength() == 0 ? 0 : (0xFFFFFFFFL << (32 - range.prefixLength())) & 0xFFFFFFFFL;
  }

  private static long toLong(InetAddress address) {
    byte[] b = address.getAddress();
    return ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFFL) << 16) | ((b[2] & 0xFFL) << 8) | (b[3] & 0xFFL);
  }

  private static Inet4Address of(long value) {
    byte[] b = {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    try {
      return (Inet4Address) InetAddress.getByAddress(b);
    } catch (UnknownHostException e) {
      throw new IllegalStateException("4 bytes are always an IPv4 address", e);
    }
  }
}
