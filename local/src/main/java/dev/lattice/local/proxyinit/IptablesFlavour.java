package dev.lattice.local.proxyinit;

/**
 * Which iptables backend to drive. Linkerd defaults to {@code nft} ({@code proxyInit.iptablesMode});
 * {@code legacy} writes the old x_tables instead. The kernel keeps the two apart, so rules must be
 * read back with the same flavour that wrote them.
 */
public enum IptablesFlavour {
  NFT("nft"),
  LEGACY("legacy");

  private final String suffix;

  IptablesFlavour(String suffix) {
    this.suffix = suffix;
  }

  /** The binary suffix: {@code iptables-nft}, {@code iptables-legacy}. */
  public String suffix() {
    return suffix;
  }

  public IptablesFlavour other() {
    return this == NFT ? LEGACY : NFT;
  }
}
