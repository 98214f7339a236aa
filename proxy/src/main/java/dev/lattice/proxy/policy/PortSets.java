package dev.lattice.proxy.policy;

import java.util.Set;
import java.util.TreeSet;

/** Port lists as the injector writes them: {@code 25,587,3306} or ranges {@code 4000-4010}. */
final class PortSets {
  private PortSets() {}

  /** Parses a comma-separated list of ports and ranges; the exception names the bad entry. */
  static Set<Integer> parse(String text) {
    Set<Integer> out = new TreeSet<>();
    for (String raw : text.split(",")) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        continue;
      }
      int dash = entry.indexOf('-');
      int low = port(dash < 0 ? entry : entry.substring(0, dash), entry);
      int high = dash < 0 ? low : port(entry.substring(dash + 1), entry);
      if (high < low) {
        throw new IllegalArgumentException("port range '" + entry + "' is reversed");
      }
      for (int p = low; p <= high; p++) {
        out.add(p);
      }
    }
    return out;
  }

  private static int port(String text, String entry) {
    String s = text.strip();
    if (!s.matches("[0-9]{1,5}") || Integer.parseInt(s) < 1 || Integer.parseInt(s) > 65535) {
      throw new IllegalArgumentException("'" + entry + "' is not a port or port range (expected 1-65535)");
    }
    return Integer.parseInt(s);
  }
}
