package dev.lattice.policy;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * An IP address as two longs, so that network checks on the hot path are a few compares. IPv4 uses
 * only {@code lo}; IPv4 and IPv6 addresses never equal or contain each other.
 */
public record Ip(boolean v6, long hi, long lo) {
  public static Ip of(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return new Ip(false, 0, Integer.toUnsignedLong(((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16)
          | ((b[2] & 0xff) << 8) | (b[3] & 0xff)));
    }
    long hi = 0;
    long lo = 0;
    for (int i = 0; i < 8; i++) {
      hi = (hi << 8) | (b[i] & 0xff);
      lo = (lo << 8) | (b[i + 8] & 0xff);
    }
    return new Ip(true, hi, lo);
  }

  /**
   * Parses an IP literal; never resolves a name.
   *
   * @throws IllegalArgumentException if {@code text} is not an IP address
   */
  public static Ip parse(String text) {
    return of(InetAddress.ofLiteral(text));
  }

  public int bits() {
    return v6 ? 128 : 32;
  }

  public boolean isLoopback() {
    return v6 ? hi == 0 && lo == 1 : (lo >>> 24) == 127;
  }

  @Override
  public String toString() {
    if (!v6) {
      return (lo >>> 24) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
    }
    byte[] b = new byte[16];
    for (int i = 0; i < 8; i++) {
      b[i] = (byte) (hi >>> (56 - 8 * i));
      b[i + 8] = (byte) (lo >>> (56 - 8 * i));
    }
    try {
      return InetAddress.getByAddress(b).getHostAddress();
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
