package dev.lattice.local.proxyinit;

import dev.lattice.local.netns.Cidr;
import java.util.ArrayList;
import java.util.List;

/**
 * What proxy-init is told: the proxy's ports and user, and what to leave alone. Mirrors the flags
 * Linkerd's injector passes ({@code --incoming-proxy-port}, {@code --outgoing-proxy-port},
 * {@code --proxy-uid}, {@code --proxy-gid}, {@code --inbound-ports-to-ignore},
 * {@code --outbound-ports-to-ignore}, {@code --subnets-to-ignore}, {@code --ports-to-redirect}).
 *
 * @param proxyUid traffic from this uid is never redirected (the proxy's own); {@code <= 0} omits the rule
 * @param proxyGid likewise by group; {@code <= 0} (the chart default -1) omits the rule
 * @param inboundProxyPort where redirected inbound connections go (4143)
 * @param outboundProxyPort where redirected outbound connections go (4140)
 * @param inboundPortsToIgnore destination ports never redirected inbound (4190, 4191 and the skip ports)
 * @param outboundPortsToIgnore destination ports never redirected outbound
 * @param subnetsToIgnore inbound connections from these source CIDRs are not redirected
 * @param portsToRedirect if non-empty, only these inbound ports are redirected (chart never sets it)
 * @param ipv6 also install the rules with {@code ip6tables}
 */
public record ProxyInitConfig(
    int proxyUid,
    int proxyGid,
    int inboundProxyPort,
    int outboundProxyPort,
    List<PortRange> inboundPortsToIgnore,
    List<PortRange> outboundPortsToIgnore,
    List<String> subnetsToIgnore,
    List<Integer> portsToRedirect,
    boolean ipv6) {

  /** Linkerd's proxy user id. */
  public static final int PROXY_UID = 2102;
  public static final int INBOUND_PROXY_PORT = 4143;
  public static final int OUTBOUND_PROXY_PORT = 4140;

  public ProxyInitConfig {
    inboundPortsToIgnore = List.copyOf(inboundPortsToIgnore);
    outboundPortsToIgnore = List.copyOf(outboundPortsToIgnore);
    subnetsToIgnore = subnetsToIgnore.stream().map(String::strip).toList();
    portsToRedirect = List.copyOf(portsToRedirect);
    // Report every bad field at once, so a config is fixed in one round trip.
    List<String> errors = new ArrayList<>();
    checkPort(errors, "inboundProxyPort", inboundProxyPort);
    checkPort(errors, "outboundProxyPort", outboundProxyPort);
    for (int port : portsToRedirect) {
      checkPort(errors, "portsToRedirect", port);
    }
    for (String subnet : subnetsToIgnore) {
      try {
        Cidr.parse(subnet);
      } catch (IllegalArgumentException e) {
        errors.add("subnetsToIgnore: '" + subnet + "' is not a valid CIDR address");
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid proxy-init config: " + String.join("; ", errors));
    }
  }

  /**
   * What the Linkerd chart passes by default: uid 2102, no gid, 4143/4140, inbound ports 4190,4191
   * plus the default skip ports 4567,4568, outbound 4567,4568, no subnets, IPv4 and IPv6.
   */
  public static ProxyInitConfig defaults() {
    return new ProxyInitConfig(PROXY_UID, -1, INBOUND_PROXY_PORT, OUTBOUND_PROXY_PORT,
        ports(4190, 4191, 4567, 4568), ports(4567, 4568), List.of(), List.of(), true);
  }

  public ProxyInitConfig withSubnetsToIgnore(List<String> subnets) {
    return new ProxyInitConfig(proxyUid, proxyGid, inboundProxyPort, outboundProxyPort,
        inboundPortsToIgnore, outboundPortsToIgnore, subnets, portsToRedirect, ipv6);
  }

  public ProxyInitConfig withInboundPortsToIgnore(List<PortRange> ports) {
    return new ProxyInitConfig(proxyUid, proxyGid, inboundProxyPort, outboundProxyPort,
        ports, outboundPortsToIgnore, subnetsToIgnore, portsToRedirect, ipv6);
  }

  public ProxyInitConfig withOutboundPortsToIgnore(List<PortRange> ports) {
    return new ProxyInitConfig(proxyUid, proxyGid, inboundProxyPort, outboundProxyPort,
        inboundPortsToIgnore, ports, subnetsToIgnore, portsToRedirect, ipv6);
  }

  public ProxyInitConfig withProxyGid(int gid) {
    return new ProxyInitConfig(proxyUid, gid, inboundProxyPort, outboundProxyPort,
        inboundPortsToIgnore, outboundPortsToIgnore, subnetsToIgnore, portsToRedirect, ipv6);
  }

  public ProxyInitConfig withPortsToRedirect(List<Integer> ports) {
    return new ProxyInitConfig(proxyUid, proxyGid, inboundProxyPort, outboundProxyPort,
        inboundPortsToIgnore, outboundPortsToIgnore, subnetsToIgnore, ports, ipv6);
  }

  public ProxyInitConfig withIpv6(boolean enabled) {
    return new ProxyInitConfig(proxyUid, proxyGid, inboundProxyPort, outboundProxyPort,
        inboundPortsToIgnore, outboundPortsToIgnore, subnetsToIgnore, portsToRedirect, enabled);
  }

  /** The families to install for: IPv4 always, IPv6 unless disabled. */
  public List<IpFamily> families() {
    return ipv6 ? List.of(IpFamily.IPV4, IpFamily.IPV6) : List.of(IpFamily.IPV4);
  }

  private static List<PortRange> ports(int... ports) {
    List<PortRange> result = new ArrayList<>();
    for (int p : ports) {
      result.add(PortRange.of(p));
    }
    return List.copyOf(result);
  }

  private static void checkPort(List<String> errors, String name, int port) {
    if (port < 1 || port > 65535) {
      errors.add(name + ": " + port + " (expected: 1..65535)");
    }
  }
}
