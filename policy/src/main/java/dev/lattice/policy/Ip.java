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
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (hi >>> (48 - 16 * i)) & 0xffff;
      groups[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xffff;
    }
    // RFC 5952: the longest run (of two or more) of zero groups becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j == i ? i + 1 : j;
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        out.append("::");
        i += bestLength - 1;
        continue;
      }
      if (!out.isEmpty() && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(groups[i]));
    }
    return out.toString();
  }
}
