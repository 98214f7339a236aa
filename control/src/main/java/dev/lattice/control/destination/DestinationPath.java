package dev.lattice.control.destination;

import java.net.InetAddress;
import java.util.Locale;

/**
 * Parses the {@code path} of a {@code GetDestination}: {@code <svc>.<ns>.svc.<cluster-domain>[:port]},
 * the short {@code <svc>.<ns>[:port]}, or an IP literal {@code <ip>[:port]} / {@code [<ipv6>]:port}.
 * The port defaults to 80, as in Linkerd.
 */
public final class DestinationPath {
  static final int DEFAULT_PORT = 80;

  private DestinationPath() {}

  public static Target parse(String path, String clusterDomain) throws InvalidDestinationException {
    String host = path;
    int port = DEFAULT_PORT;
    if (path.startsWith("[")) {
      int close = path.indexOf(']');
      if (close < 0) {
        throw new InvalidDestinationException("invalid path '" + path + "': unclosed '['");
      }
      host = path.substring(1, close);
      String rest = path.substring(close + 1);
      if (!rest.isEmpty()) {
        if (!rest.startsWith(":")) {
          throw new InvalidDestinationException("invalid path '" + path + "': expected ':port' after ']'");
        }
        port = port(path, rest.substring(1));
      }
      return new Target.VirtualIp(ip(path, host), port);
    }
    int colon = path.lastIndexOf(':');
    if (colon >= 0 && path.indexOf(':') == colon) {
      host = path.substring(0, colon);
      port = port(path, path.substring(colon + 1));
    } else if (colon >= 0) {
      // Several colons and no brackets: a bare IPv6 address, port 80.
      return new Target.VirtualIp(ip(path, path), port);
    }
    if (host.isEmpty()) {
      throw new InvalidDestinationException("invalid path '" + path + "': no host");
    }
    if (isIpv4Literal(host)) {
      return new Target.VirtualIp(ip(path, host), port);
    }
    return name(path, host.toLowerCase(Locale.ROOT), clusterDomain, port);
  }

  private static Target name(String path, String host, String clusterDomain, int port)
      throws InvalidDestinationException {
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    String[] labels = host.split("\\.", -1);
    String suffix = ".svc." + clusterDomain;
    if (host.endsWith(suffix)) {
      String[] head = host.substring(0, host.length() - suffix.length()).split("\\.", -1);
      if (head.length == 2 && !head[0].isEmpty() && !head[1].isEmpty()) {
        return new Target.ServiceName(head[1], head[0], port);
      }
      if (head.length == 3) {
        throw new InvalidDestinationException(
            "invalid path '" + path + "': pod hostname queries (<hostname>.<svc>.<ns>.svc."
                + clusterDomain + ") are not supported");
      }
    } else if (labels.length == 2 && !labels[0].isEmpty() && !labels[1].isEmpty()) {
      return new Target.ServiceName(labels[1], labels[0], port);
    }
    throw new InvalidDestinationException(
        "invalid path '" + path + "': expected <svc>.<ns>.svc." + clusterDomain + ":<port>");
  }

  private static int port(String path, String digits) throws InvalidDestinationException {
    try {
      int port = Integer.parseInt(digits);
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidDestinationException(
        "invalid path '" + path + "': port '" + digits + "' (expected: 1-65535)");
  }

  private static InetAddress ip(String path, String literal) throws InvalidDestinationException {
    try {
      return InetAddress.ofLiteral(literal);
    } catch (IllegalArgumentException e) {
      throw new InvalidDestinationException("invalid path '" + path + "': not an IP address");
    }
  }

  private static boolean isIpv4Literal(String host) {
    return !host.isEmpty() && host.chars().allMatch(c -> Character.isDigit(c) || c == '.');
  }
}
