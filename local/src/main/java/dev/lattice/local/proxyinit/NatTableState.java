package dev.lattice.local.proxyinit;

import java.util.regex.Pattern;

/**
 * What proxy-init looks for in {@code iptables-save -t nat} before it writes anything: whether its two
 * chains exist (then they are flushed, not created) and whether the jumps into them exist (then they
 * are not added twice). This is what makes running proxy-init again idempotent.
 */
public record NatTableState(
    boolean redirectChainExists,
    boolean outputChainExists,
    boolean preroutingJumpExists,
    boolean outputJumpExists) {

  /** A namespace nobody has configured yet. */
  public static final NatTableState EMPTY = new NatTableState(false, false, false, false);

  private static final Pattern REDIRECT_CHAIN = Pattern.compile("(?m)^:" + ProxyInitRules.REDIRECT_CHAIN + " ");
  private static final Pattern OUTPUT_CHAIN = Pattern.compile("(?m)^:" + ProxyInitRules.OUTPUT_CHAIN + " ");
  private static final Pattern PREROUTING_JUMP =
      Pattern.compile("(?m)^-A PREROUTING (.+ )?-j " + ProxyInitRules.REDIRECT_CHAIN + "(\\s|$)");
  private static final Pattern OUTPUT_JUMP =
      Pattern.compile("(?m)^-A OUTPUT (.+ )?-j " + ProxyInitRules.OUTPUT_CHAIN + "(\\s|$)");

  /** Reads the state from {@code iptables-save -t nat} output. */
  public static NatTableState parseSave(String iptablesSave) {
    return new NatTableState(
        REDIRECT_CHAIN.matcher(iptablesSave).find(),
        OUTPUT_CHAIN.matcher(iptablesSave).find(),
        PREROUTING_JUMP.matcher(iptablesSave).find(),
        OUTPUT_JUMP.matcher(iptablesSave).find());
  }
}
