package dev.lattice.demo.runtime;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads configuration from environment variables, collecting every problem so that {@link #check()}
 * reports all bad variables at once instead of one per restart.
 */
public final class Env {
  private final Map<String, String> vars;
  private final List<String> problems = new ArrayList<>();

  private Env(Map<String, String> vars) {
    this.vars = Map.copyOf(vars);
  }

  /** Reads from the given variables (tests pass a map; {@code main} passes {@code System.getenv()}). */
  public static Env of(Map<String, String> vars) {
    return new Env(vars);
  }

  /** The variable's value, or {@code fallback} when it is unset or blank. */
  public String string(String name, String fallback) {
    String value = vars.get(name);
    return value == null || value.isBlank() ? fallback : value.strip();
  }

  /** A TCP port (0 allowed: the OS picks one, which tests use). */
  public int port(String name, int fallback) {
    String raw = string(name, null);
    if (raw == null) {
      return fallback;
    }
    try {
      int port = Integer.parseInt(raw);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + "=" + raw + " (expected: a port number 0-65535)");
    return fallback;
  }

  /** A {@code host:port} target; kept as text so that DNS is resolved by whoever dials it, when it dials. */
  public String hostPort(String name, String fallback) {
    String value = string(name, fallback);
    int colon = value.lastIndexOf(':');
    boolean ok = colon > 0 && colon < value.length() - 1;
    if (ok) {
      try {
        int port = Integer.parseInt(value.substring(colon + 1));
        ok = port > 0 && port <= 65535;
      } catch (NumberFormatException e) {
        ok = false;
      }
    }
    if (!ok) {
      problems.add(name + "=" + value + " (expected: host:port, e.g. " + fallback + ")");
    }
    return value;
  }

  /** A positive, finite decimal number. */
  public double positiveNumber(String name, double fallback) {
    String raw = string(name, null);
    if (raw == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(raw);
      if (value > 0 && Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(name + "=" + raw + " (expected: a number > 0)");
    return fallback;
  }

  /** The address to listen on: {@code hostVar} (default all interfaces) and {@code portVar}. */
  public InetSocketAddress listen(String hostVar, String portVar, int defaultPort) {
    String host = string(hostVar, "0.0.0.0");
    int port = port(portVar, defaultPort);
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      problems.add(hostVar + "=" + host + " (expected: a local IP address or resolvable name)");
    }
    return address;
  }

  /** Throws one exception naming every bad variable read so far, if any. */
  public void check() {
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid environment: " + String.join("; ", problems));
    }
  }
}
