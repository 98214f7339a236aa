package dev.lattice.control.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * A port list as annotations write it: {@code 25,587,4000-4100,mysql} — numbers, inclusive ranges and
 * names of the workload's container ports. Used for opaque and skipped ports.
 */
public record PortSpec(List<Range> ranges, Set<String> names) {
  public PortSpec {
    ranges = List.copyOf(ranges);
    names = Set.copyOf(names);
  }

  public static PortSpec of(int... ports) {
    List<Range> ranges = new ArrayList<>();
    for (int port : ports) {
      ranges.add(new Range(port, port));
    }
    return new PortSpec(ranges, Set.of());
  }

  /**
   * Parses {@code text}; blank entries are skipped.
   *
   * @throws IllegalArgumentException naming the bad entry and why
   */
  public static PortSpec parse(String text) {
    List<Range> ranges = new ArrayList<>();
    Set<String> names = new TreeSet<>();
    for (String raw : text.split(",")) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      if (Character.isDigit(entry.charAt(0))) {
        int dash = entry.indexOf('-');
        int from = port(entry, dash < 0 ? entry : entry.substring(0, dash));
        int to = dash < 0 ? from : port(entry, entry.substring(dash + 1));
        if (to < from) {
          throw new IllegalArgumentException(
              "'" + entry + "': range must go from low to high");
        }
        ranges.add(new Range(from, to));
      } else if (Names.isPortName(entry)) {
        names.add(entry);
      } else {
        throw new IllegalArgumentException(
            "'" + entry + "': expected a port (1-65535), a range (low-high) or a port name");
      }
    }
    return new PortSpec(ranges, names);
  }

  /** Whether {@code port} is listed, by number or through {@code workload}'s port names. */
  public boolean contains(int port, Workload workload) {
    for (Range r : ranges) {
      if (r.from() <= port && port <= r.to()) {
        return true;
      }
    }
    if (names.isEmpty() || workload == null) {
      return false;
    }
    return workload.ports().stream()
        .anyMatch(p -> p.number() == port && names.contains(p.name()));
  }

  private static int port(String entry, String digits) {
    try {
      int port = Integer.parseInt(digits.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "'" + entry + "': expected a port (1-65535), a range (low-high) or a port name");
  }

  /** Inclusive port range. */
  public record Range(int from, int to) {}
}
