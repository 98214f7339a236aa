package dev.lattice.policy;

/**
 * An address range: {@code base/prefix}, base masked. A bare IP is a /32 or /128.
 */
public record Cidr(Ip base, int prefix) {
  public static final Cidr ALL_V4 = parse("0.0.0.0/0");
  public static final Cidr ALL_V6 = parse("::/0");

  public Cidr {
    if (prefix < 0 || prefix > base.bits()) {
      throw new IllegalArgumentException("prefix /" + prefix + " out of range for " + base);
    }
    base = new Ip(base.v6(), base.v6() ? mask(base.hi(), Math.min(prefix, 64))
        : base.hi(), base.v6() ? mask(base.lo(), Math.max(prefix - 64, 0)) : mask32(base.lo(), prefix));
  }

  /**
   * Parses {@code 10.0.0.0/8}, {@code fd00::/8} or a bare IP.
   *
   * @throws IllegalArgumentException with a reason if it is neither
   */
  public static Cidr parse(String text) {
    String s = text.strip();
    int slash = s.indexOf('/');
    Ip ip;
    try {
      ip = Ip.parse(slash < 0 ? s : s.substring(0, slash));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a valid CIDR or IP address: '" + text + "'");
    }
    if (slash < 0) {
      return new Cidr(ip, ip.bits());
    }
    String bits = s.substring(slash + 1);
    if (bits.isEmpty() || bits.length() > 3 || !bits.chars().allMatch(Character::isDigit)
        || Integer.parseInt(bits) > ip.bits()) {
      throw new IllegalArgumentException("not a valid CIDR or IP address: '" + text + "'");
    }
    return new Cidr(ip, Integer.parseInt(bits));
  }

  public boolean contains(Ip ip) {
    if (ip.v6() != base.v6()) {
      return false;
    }
    if (!ip.v6()) {
      return mask32(ip.lo(), prefix) == base.lo();
    }
    if (prefix <= 64) {
      return mask(ip.hi(), prefix) == base.hi();
    }
    return ip.hi() == base.hi() && mask(ip.lo(), prefix - 64) == base.lo();
  }

  /** Whether every address of {@code other} is in this range. */
  public boolean covers(Cidr other) {
    return other.base.v6() == base.v6() && other.prefix >= prefix && contains(other.base);
  }

  private static long mask(long value, int bits) {
    return bits == 0 ? 0 : value & (-1L << (64 - bits));
  }

  private static long mask32(long value, int bits) {
    return bits == 0 ? 0 : value & (0xffff_ffffL << (32 - bits)) & 0xffff_ffffL;
  }

  @Override
  public String toString() {
    return base + "/" + prefix;
  }
}
