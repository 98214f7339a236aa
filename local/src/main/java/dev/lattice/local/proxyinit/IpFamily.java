package dev.lattice.local.proxyinit;

/** Which iptables binary family a rule set is for: {@code iptables} or {@code ip6tables}. */
public enum IpFamily {
  IPV4("iptables"),
  IPV6("ip6tables");

  private final String binaryPrefix;

  IpFamily(String binaryPrefix) {
    this.binaryPrefix = binaryPrefix;
  }

  /** {@code iptables} or {@code ip6tables}: the stem of every binary name of this family. */
  public String binaryPrefix() {
    return binaryPrefix;
  }
}
