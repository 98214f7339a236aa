package dev.lattice.local.proxyinit;

/**
 * A port or an inclusive port range, as proxy-init's {@code --*-ports-to-ignore} flags take them
 * ({@code 4190} or {@code 4000-4100}). A range costs iptables' multiport match two of its 15 slots.
 */
public record PortRange(int low, int high) {
  public PortRange {
    if (low < 1 || low > 65535 || high < 1 || high > 65535) {
      throw new IllegalArgumentException("port range: " + low + "-" + high + " (expected: ports in 1..65535)");
    }
    if (low > high) {
      throw new IllegalArgumentException("port range: " + low + "-" + high + " (expected: low <= high)");
    }
  }

  public static PortRange of(int port) {
    return new PortRange(port, port);
  }

  /** Parses {@code 4190} or {@code 4000-4100}. */
  public static PortRange parse(String text) {
    String s = text == null ? "" : text.strip();
    int dash = s.indexOf('-');
    try {
      return dash < 0
          ? of(Integer.parseInt(s))
          : new PortRange(Integer.parseInt(s.substring(0, dash).strip()),
              Integer.parseInt(s.substring(dash + 1).strip()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("port range: '" + text + "' (expected: PORT or LOW-HIGH)", e);
    }
  }

  /** How many of a multiport rule's 15 port slots this uses: 1 for a port, 2 for a range. */
  public int multiportSlots() {
    return low == high ? 1 : 2;
  }

  /** The multiport syntax: {@code 4190} or {@code 4000:4100}. */
  public String multiport() {
    return low == high ? Integer.toString(low) : low + ":" + high;
  }

  @Override
  public String toString() {
    return low == high ? Integer.toString(low) : low + "-" + high;
  }
}
