package dev.lattice.proxy.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values out of a {@code Map<String,String>} environment and collects every problem
 * instead of stopping at the first, so {@link #finish()} can report all bad variables at once.
 */
public final class EnvReader {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  public EnvReader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** The raw value, if set and not blank. */
  public Optional<String> string(String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  /** Linkerd's duration form: {@code <int>(ms|s|m|h|d)}, or a bare {@code 0}. */
  public Duration duration(String name, Duration fallback) {
    return string(name).map(v -> parseDuration(name, v, fallback)).orElse(fallback);
  }

  /** {@code host:port} or {@code [v6]:port}; the host must be an IP literal (no DNS at startup). */
  public InetSocketAddress socketAddress(String name, InetSocketAddress fallback) {
    return string(name).map(v -> parseSocketAddress(name, v, fallback)).orElse(fallback);
  }

  /** A comma-separated list of socket addresses (at least one when set). */
  public List<InetSocketAddress> socketAddresses(String name, List<InetSocketAddress> fallback) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    List<InetSocketAddress> out = new ArrayList<>();
    for (String part : raw.get().split(",")) {
      if (!part.isBlank()) {
        out.add(parseSocketAddress(name, part.trim(), null));
      }
    }
    out.removeIf(a -> a == null);
    if (out.isEmpty()) {
      problem(name, raw.get(), "expected: at least one ip:port");
      return fallback;
    }
    return List.copyOf(out);
  }

  /** Ports and ranges, e.g. {@code 25,587,3306,8000-8010}. */
  public Set<Integer> ports(String name, Set<Integer> fallback) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    Set<Integer> out = new TreeSet<>();
    for (String part : raw.get().split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      String[] range = p.split("-", 2);
      Integer low = parsePort(name, range[0]);
      Integer high = range.length == 2 ? parsePort(name, range[1]) : low;
      if (low == null || high == null) {
        continue;
      }
      if (high < low) {
        problem(name, p, "expected: a range low-high with low <= high");
        continue;
      }
      for (int port = low; port <= high; port++) {
        out.add(port);
      }
    }
    return Set.copyOf(out);
  }

  public int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int value = Integer.parseInt(raw.get());
      if (value < min || value > max) {
        problem(name, raw.get(), "expected: an integer in [" + min + ", " + max + "]");
        return fallback;
      }
      return value;
    } catch (NumberFormatException e) {
      problem(name, raw.get(), "expected: an integer in [" + min + ", " + max + "]");
      return fallback;
    }
  }

  public boolean bool(String name, boolean fallback) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> {
        problem(name, raw.get(), "expected: true or false");
        yield fallback;
      }
    };
  }

  /** A path that must name a readable regular file. */
  public Optional<Path> readableFile(String name) {
    Optional<String> raw = string(name);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Path path = Path.of(raw.get());
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      problem(name, raw.get(), "expected: a readable file");
      return Optional.empty();
    }
    return Optional.of(path);
  }

  /** Records a problem found by a caller's own check. */
  public void problem(String name, String value, String expectation) {
    problems.add(name + "=" + quote(value) + ": " + expectation);
  }

  /** Records a problem that is not about one variable's value (e.g. two that must come together). */
  public void problem(String description) {
    problems.add(description);
  }

  /** Throws {@link ConfigException} listing every problem seen, if any. */
  public void finish() {
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
  }

  private Duration parseDuration(String name, String value, Duration fallback) {
    if (value.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(value);
    if (!m.matches()) {
      problem(name, value, "expected: a duration like 500ms, 10s, 2m, 1h, 1d or 0");
      return fallback;
    }
    long amount;
    try {
      amount = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      problem(name, value, "expected: a duration whose number fits in 64 bits");
      return fallback;
    }
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  private InetSocketAddress parseSocketAddress(String name, String value, InetSocketAddress fallback) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      problem(name, value, "expected: ip:port, e.g. 0.0.0.0:4143 or [::]:4143");
      return fallback;
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Integer port = parsePortAllowZero(name, value, value.substring(colon + 1));
    if (port == null) {
      return fallback;
    }
    if (!host.matches("[0-9.]+|[0-9a-fA-F:]+")) {
      problem(name, value, "expected: an IP address literal, not a host name");
      return fallback;
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      problem(name, value, "expected: an IP address literal");
      return fallback;
    }
  }

  private Integer parsePortAllowZero(String name, String whole, String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problem(name, whole, "expected: a port in [0, 65535]");
    return null;
  }

  private Integer parsePort(String name, String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 1 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    problem(name, text, "expected: a port in [1, 65535]");
    return null;
  }

  private static String quote(String value) {
    return "'" + value + "'";
  }
}
