package dev.lattice.proxy.env;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for the value formats Linkerd's proxy accepts. Each throws {@link IllegalArgumentException}
 * whose message is the reason, ready to be reported against the variable's name.
 */
public final class EnvValues {
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h|d)");

  private EnvValues() {}

  /** {@code <int>(ms|s|m|h|d)}, or a bare {@code 0}; nothing else (no fractions, no spaces, no "1h30m"). */
  public static Duration duration(String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration (expected: <integer> followed by ms, s, m, h or d, e.g. 10s)");
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("duration is too large");
    }
    try {
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        case "d" -> Duration.ofDays(amount);
        default -> throw new AssertionError(m.group(2));
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("duration is too large");
    }
  }

  /** Exactly {@code true} or {@code false}, as Linkerd's proxy parses booleans. */
  public static boolean bool(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("expected: true or false");
    };
  }

  /**
   * A listen address: an IP literal and a port ({@code 127.0.0.1:4191}, {@code [::]:4191}). Names
   * are refused because a listener must not depend on DNS at startup.
   */
  public static InetSocketAddress socketAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected ip:port, e.g. 127.0.0.1:4191 or [::]:4191");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      if (!IpLiterals.isIpv6(host)) {
        throw new IllegalArgumentException("'" + host + "' is not an IPv6 address");
      }
    } else if (!IpLiterals.isIpv4(host)) {
      throw new IllegalArgumentException(
          "'" + host + "' is not an IP address (expected ip:port; IPv6 in brackets, e.g. [::]:4191)");
    }
    int port = Ports.parse(text.substring(colon + 1));
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      // Unreachable for validated literals; keep the reason if it ever happens.
      throw new IllegalArgumentException("'" + host + "': " + e.getMessage());
    }
  }
}
