package dev.lattice.policy;

import java.util.List;

/**
 * Allowed source addresses: inside {@code net} and inside none of <em>this entry's</em> {@code except}
 * ranges. An exception in one entry never stops another entry from matching.
 */
public record Network(Cidr net, List<Cidr> except) {
  /** {@code 0.0.0.0/0} and {@code ::/0}: everywhere. */
  public static final List<Network> ALL = List.of(of(Cidr.ALL_V4), of(Cidr.ALL_V6));
  /** Where loopback clients come from: the always-present {@code default:localhost} authorization. */
  public static final List<Network> LOOPBACK =
      List.of(of(Cidr.parse("127.0.0.1/32")), of(Cidr.parse("::1/128")));

  public Network {
    except = List.copyOf(except);
  }

  public static Network of(Cidr net) {
    return new Network(net, List.of());
  }

  public static Network parse(String cidr, String... except) {
    return new Network(Cidr.parse(cidr), java.util.Arrays.stream(except).map(Cidr::parse).toList());
  }

  /** The cluster networks Linkerd's chart installs by default ({@code clusterNetworks}). */
  public static List<Network> defaultClusterNetworks() {
    return parseList("10.0.0.0/8,100.64.0.0/10,172.16.0.0/12,192.168.0.0/16,fd00::/8");
  }

  /**
   * A comma-separated CIDR list, as {@code --cluster-networks} takes it.
   *
   * @throws IllegalArgumentException naming the bad entry
   */
  public static List<Network> parseList(String text) {
    return java.util.Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty())
        .map(s -> of(Cidr.parse(s))).toList();
  }

  public boolean contains(Ip ip) {
    if (!net.contains(ip)) {
      return false;
    }
    for (int i = 0; i < except.size(); i++) {
      if (except.get(i).contains(ip)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return except.isEmpty() ? net.toString() : net + " except " + except;
  }
}
