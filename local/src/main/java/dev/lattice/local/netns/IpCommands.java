package dev.lattice.local.netns;

import dev.lattice.local.exec.Executables;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The {@code ip(8)} command lines this package issues, as pure functions. Every link command names
 * its namespace with {@code ip -n NS}, so none of them can touch the host's namespace by accident.
 */
public final class IpCommands {
  /** The {@code ip} binary, resolved once (root shells without sbin on PATH still find it). */
  static final String IP = Executables.find("ip").map(Object::toString).orElse("ip");

  // IFNAMSIZ is 16 including the NUL; '/' and whitespace are not allowed by the kernel.
  private static final Pattern LINK_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  private IpCommands() {}

  public static List<String> addNamespace(NetworkNamespace ns) {
    return List.of(IP, "netns", "add", ns.name());
  }

  public static List<String> deleteNamespace(NetworkNamespace ns) {
    return List.of(IP, "netns", "delete", ns.name());
  }

  public static List<String> listNamespaces() {
    return List.of(IP, "netns", "list");
  }

  /** Both ends are created already inside their namespaces; neither ever exists in the host's. */
  public static List<String> addVethPair(NetworkNamespace ns, String name, NetworkNamespace peerNs, String peerName) {
    return List.of(IP, "-n", ns.name(), "link", "add", linkName(name), "type", "veth",
        "peer", "name", linkName(peerName), "netns", peerNs.name());
  }

  public static List<String> addBridge(NetworkNamespace ns, String name) {
    return List.of(IP, "-n", ns.name(), "link", "add", linkName(name), "type", "bridge");
  }

  public static List<String> addDummy(NetworkNamespace ns, String name) {
    return List.of(IP, "-n", ns.name(), "link", "add", linkName(name), "type", "dummy");
  }

  public static List<String> setMaster(NetworkNamespace ns, String link, String bridge) {
    return List.of(IP, "-n", ns.name(), "link", "set", linkName(link), "master", linkName(bridge));
  }

  public static List<String> linkUp(NetworkNamespace ns, String link) {
    return List.of(IP, "-n", ns.name(), "link", "set", linkName(link), "up");
  }

  public static List<String> deleteLink(NetworkNamespace ns, String link) {
    return List.of(IP, "-n", ns.name(), "link", "delete", linkName(link));
  }

  /**
   * Adds {@code cidr} to {@code link}. IPv6 addresses skip duplicate-address detection: inside a
   * private namespace there is nobody to collide with, and DAD would leave the address unusable
   * ("tentative") for a second or two.
   */
  public static List<String> addAddress(NetworkNamespace ns, String link, Cidr cidr) {
    return cidr.isIpv6()
        ? List.of(IP, "-n", ns.name(), "addr", "add", cidr.toString(), "dev", linkName(link), "nodad")
        : List.of(IP, "-n", ns.name(), "addr", "add", cidr.toString(), "dev", linkName(link));
  }

  /** A route to {@code destination} through {@code link} (no gateway: the link is the next hop). */
  public static List<String> addRoute(NetworkNamespace ns, Cidr destination, String link) {
    return List.of(IP, "-n", ns.name(), "route", "add", destination.toString(), "dev", linkName(link));
  }

  static String linkName(String name) {
    if (name == null || !LINK_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("link name: " + name + " (expected: 1-15 of [A-Za-z0-9_.-])");
    }
    return name;
  }
}
