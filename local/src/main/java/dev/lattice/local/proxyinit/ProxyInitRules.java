package dev.lattice.local.proxyinit;

import dev.lattice.local.netns.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * The iptables commands Linkerd's proxy-init issues, as a pure function of its config and of what the
 * {@code nat} table already holds. Same chains, rule order, arguments and {@code proxy-init/…}
 * comments, so {@code iptables -t nat -S} in a Lattice workload reads like a Linkerd pod's.
 *
 * <pre>
 * PREROUTING ─► PROXY_INIT_REDIRECT: ignored ports → RETURN, ignored source subnets → RETURN,
 *                                    tcp → REDIRECT 4143
 * OUTPUT     ─► PROXY_INIT_OUTPUT:   proxy uid (gid) → RETURN, -o lo → RETURN,
 *                                    ignored ports → RETURN, tcp → REDIRECT 4140
 * </pre>
 */
public final class ProxyInitRules {
  public static final String REDIRECT_CHAIN = "PROXY_INIT_REDIRECT";
  public static final String OUTPUT_CHAIN = "PROXY_INIT_OUTPUT";
  /** iptables' multiport match takes at most 15 port references (a range counts twice). */
  public static final int MULTIPORT_LIMIT = 15;

  private static final String PREROUTING = "PREROUTING";
  private static final String OUTPUT = "OUTPUT";

  private ProxyInitRules() {}

  /**
   * The commands that install the rules for {@code family}, given the table's current {@code state}:
   * the inbound chain first, then the outbound chain. Subnets of the other family are left out
   * (ip6tables rejects an IPv4 CIDR and vice versa).
   */
  public static List<IptablesCommand> install(ProxyInitConfig config, IpFamily family, NatTableState state) {
    List<IptablesCommand> commands = new ArrayList<>();
    inbound(config, family, state, commands);
    outbound(config, state, commands);
    return List.copyOf(commands);
  }

  /** Install commands for a namespace whose {@code nat} table proxy-init has not touched. */
  public static List<IptablesCommand> install(ProxyInitConfig config, IpFamily family) {
    return install(config, family, NatTableState.EMPTY);
  }

  /**
   * The commands that undo {@link #install}: unhook both chains, flush them, delete them. Each
   * command fails if its target is already gone, as proxy-init's cleanup does.
   */
  public static List<IptablesCommand> remove() {
    return List.of(
        jump("-D", PREROUTING, REDIRECT_CHAIN, "install-proxy-init-prerouting"),
        jump("-D", OUTPUT, OUTPUT_CHAIN, "install-proxy-init-output"),
        IptablesCommand.of("-t", "nat", "-F", OUTPUT_CHAIN),
        IptablesCommand.of("-t", "nat", "-F", REDIRECT_CHAIN),
        IptablesCommand.of("-t", "nat", "-X", OUTPUT_CHAIN),
        IptablesCommand.of("-t", "nat", "-X", REDIRECT_CHAIN));
  }

  /**
   * Splits ports into multiport groups of at most {@value #MULTIPORT_LIMIT} slots, in order: a new
   * group starts when the next entry would overflow the current one.
   */
  public static List<List<PortRange>> multiportGroups(List<PortRange> ports) {
    List<List<PortRange>> groups = new ArrayList<>();
    List<PortRange> current = new ArrayList<>();
    int slots = 0;
    for (PortRange p : ports) {
      if (slots + p.multiportSlots() > MULTIPORT_LIMIT) {
        groups.add(List.copyOf(current));
        current = new ArrayList<>();
        slots = 0;
      }
      current.add(p);
      slots += p.multiportSlots();
    }
    if (!current.isEmpty()) {
      groups.add(List.copyOf(current));
    }
    return List.copyOf(groups);
  }

  private static void inbound(ProxyInitConfig c, IpFamily family, NatTableState state, List<IptablesCommand> out) {
    out.add(newOrFlush(REDIRECT_CHAIN, state.redirectChainExists()));
    ignorePorts(REDIRECT_CHAIN, c.inboundPortsToIgnore(), out);
    for (String subnet : c.subnetsToIgnore()) {
      if (Cidr.parse(subnet).isIpv6() == (family == IpFamily.IPV6)) {
        // Source match: connections *from* these subnets reach the application directly.
        out.add(append(REDIRECT_CHAIN, "ignore-subnet-" + subnet, "-p", "all", "-j", "RETURN", "-s", subnet));
      }
    }
    if (c.portsToRedirect().isEmpty()) {
      out.add(append(REDIRECT_CHAIN, "redirect-all-incoming-to-proxy-port",
          "-p", "tcp", "-j", "REDIRECT", "--to-port", Integer.toString(c.inboundProxyPort())));
    } else {
      for (int port : c.portsToRedirect()) {
        out.add(append(REDIRECT_CHAIN, "redirect-port-" + port + "-to-proxy-port",
            "-p", "tcp", "--destination-port", Integer.toString(port),
            "-j", "REDIRECT", "--to-port", Integer.toString(c.inboundProxyPort())));
      }
    }
    if (!state.preroutingJumpExists()) {
      out.add(jump("-A", PREROUTING, REDIRECT_CHAIN, "install-proxy-init-prerouting"));
    }
  }

  private static void outbound(ProxyInitConfig c, NatTableState state, List<IptablesCommand> out) {
    out.add(newOrFlush(OUTPUT_CHAIN, state.outputChainExists()));
    // The proxy's own connections (to the app, to peers, to the control plane) must not loop back.
    if (c.proxyUid() > 0) {
      out.add(append(OUTPUT_CHAIN, "ignore-proxy-user-id",
          "-m", "owner", "--uid-owner", Integer.toString(c.proxyUid()), "-j", "RETURN"));
    }
    if (c.proxyGid() > 0) {
      out.add(append(OUTPUT_CHAIN, "ignore-proxy-group-id",
          "-m", "owner", "--gid-owner", Integer.toString(c.proxyGid()), "-j", "RETURN"));
    }
    // localhost and the workload's own addresses route over lo and talk to the app directly.
    out.add(append(OUTPUT_CHAIN, "ignore-loopback", "-o", "lo", "-j", "RETURN"));
    ignorePorts(OUTPUT_CHAIN, c.outboundPortsToIgnore(), out);
    out.add(append(OUTPUT_CHAIN, "redirect-all-outgoing-to-proxy-port",
        "-p", "tcp", "-j", "REDIRECT", "--to-port", Integer.toString(c.outboundProxyPort())));
    if (!state.outputJumpExists()) {
      out.add(jump("-A", OUTPUT, OUTPUT_CHAIN, "install-proxy-init-output"));
    }
  }

  private static void ignorePorts(String chain, List<PortRange> ports, List<IptablesCommand> out) {
    for (List<PortRange> group : multiportGroups(ports)) {
      String list = String.join(",", group.stream().map(PortRange::multiport).toList());
      out.add(append(chain, "ignore-port-" + list,
          "-p", "tcp", "--match", "multiport", "--dports", list, "-j", "RETURN"));
    }
  }

  private static IptablesCommand newOrFlush(String chain, boolean exists) {
    return IptablesCommand.of("-t", "nat", exists ? "-F" : "-N", chain);
  }

  private static IptablesCommand jump(String action, String from, String to, String comment) {
    return IptablesCommand.of("-t", "nat", action, from, "-j", to, "-m", "comment", "--comment", comment(comment));
  }

  // proxy-init's argument order: table, chain, matches and target, then the comment match last.
  private static IptablesCommand append(String chain, String comment, String... ruleSpec) {
    List<String> args = new ArrayList<>(List.of("-t", "nat", "-A", chain));
    args.addAll(List.of(ruleSpec));
    args.addAll(List.of("-m", "comment", "--comment", comment(comment)));
    return new IptablesCommand(args);
  }

  private static String comment(String name) {
    return "proxy-init/" + name;
  }
}
