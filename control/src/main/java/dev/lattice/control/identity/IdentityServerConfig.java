package dev.lattice.control.identity;

import dev.lattice.api.Ports;
import dev.lattice.control.identity.issuer.IssuerFiles;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the identity server process needs.
 *
 * @param listenAddress where Certify is served (Linkerd: {@code :8080})
 * @param issuer the issuer directory and trust-anchor file, watched for changes
 * @param tokenDirectory the {@link dev.lattice.control.identity.token.LocalTokenStore} directory
 * @param issuerPollInterval how often the issuer files are re-read even without a notification; zero = never
 * @param issuerReloadDebounce how long to wait after a notification before reading, so a burst is read once
 */
public record IdentityServerConfig(
    InetSocketAddress listenAddress,
    IssuerFiles issuer,
    Path tokenDirectory,
    IdentityConfig identity,
    Duration issuerPollInterval,
    Duration issuerReloadDebounce) {
  public static final Path DEFAULT_ISSUER_DIRECTORY = Path.of("/var/run/linkerd/identity/issuer");
  public static final Path DEFAULT_TRUST_ANCHORS = Path.of("/var/run/linkerd/identity/trust-roots/ca-bundle.crt");
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(10);
  public static final Duration DEFAULT_DEBOUNCE = Duration.ofMillis(100);

  /** The flags {@link #parse} understands, for usage text. */
  public static final List<String> FLAGS = List.of("addr", "issuer-dir", "trust-anchors", "token-dir",
      "issuance-lifetime", "clock-skew-allowance", "controller-namespace", "identity-trust-domain",
      "issuer-poll-interval");

  private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|h|m|s)");

  public IdentityServerConfig {
    Objects.requireNonNull(listenAddress, "listenAddress");
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(tokenDirectory, "tokenDirectory");
    Objects.requireNonNull(identity, "identity");
    if (issuerPollInterval.isNegative()) {
      throw new IllegalArgumentException("issuerPollInterval: " + issuerPollInterval + " (expected: >= 0)");
    }
    if (issuerReloadDebounce.isNegative()) {
      throw new IllegalArgumentException("issuerReloadDebounce: " + issuerReloadDebounce + " (expected: >= 0)");
    }
  }

  /** Linkerd's defaults: all interfaces on 8080, 24h leaves, 20s skew, {@code linkerd} / {@code cluster.local}. */
  public static IdentityServerConfig defaults(IssuerFiles issuer, Path tokenDirectory) {
    return new IdentityServerConfig(new InetSocketAddress(Ports.IDENTITY), issuer, tokenDirectory,
        IdentityConfig.defaults(), DEFAULT_POLL_INTERVAL, DEFAULT_DEBOUNCE);
  }

  public IdentityServerConfig withListenAddress(InetSocketAddress address) {
    return new IdentityServerConfig(address, issuer, tokenDirectory, identity, issuerPollInterval, issuerReloadDebounce);
  }

  public IdentityServerConfig withIdentity(IdentityConfig newIdentity) {
    return new IdentityServerConfig(listenAddress, issuer, tokenDirectory, newIdentity, issuerPollInterval,
        issuerReloadDebounce);
  }

  public IdentityServerConfig withIssuerPollInterval(Duration interval) {
    return new IdentityServerConfig(listenAddress, issuer, tokenDirectory, identity, interval, issuerReloadDebounce);
  }

  /**
   * Reads flags ({@code addr}, {@code issuer-dir}, …, see {@link #FLAGS}) checking every one before
   * failing, so one {@link IllegalArgumentException} lists every bad flag with its value and why.
   * Durations are Go style ({@code 24h0m0s}, {@code 20s}, {@code 500ms}) or ISO-8601 ({@code PT24H}).
   */
  public static IdentityServerConfig parse(Map<String, String> flags) {
    List<String> errors = new ArrayList<>();
    for (String name : flags.keySet()) {
      if (!FLAGS.contains(name)) {
        errors.add("--" + name + ": unknown flag (expected one of " + String.join(", ", FLAGS) + ")");
      }
    }
    InetSocketAddress addr = parseOr(flags, "addr", new InetSocketAddress(Ports.IDENTITY),
        IdentityServerConfig::parseAddress, errors);
    Path issuerDir = parseOr(flags, "issuer-dir", DEFAULT_ISSUER_DIRECTORY, Path::of, errors);
    Path anchors = parseOr(flags, "trust-anchors", DEFAULT_TRUST_ANCHORS, Path::of, errors);
    Path tokenDir = parseOr(flags, "token-dir", null, Path::of, errors);
    if (!flags.containsKey("token-dir")) {
      errors.add("--token-dir: missing (expected: the local token store directory)");
    }
    Duration lifetime = parseOr(flags, "issuance-lifetime", IdentityConfig.DEFAULT_ISSUANCE_LIFETIME,
        IdentityServerConfig::parseDuration, errors);
    Duration skew = parseOr(flags, "clock-skew-allowance", IdentityConfig.DEFAULT_CLOCK_SKEW_ALLOWANCE,
        IdentityServerConfig::parseDuration, errors);
    String namespace = flags.getOrDefault("controller-namespace", IdentityConfig.DEFAULT_CONTROL_PLANE_NAMESPACE);
    String trustDomain = flags.getOrDefault("identity-trust-domain", IdentityConfig.DEFAULT_TRUST_DOMAIN);
    Duration poll = parseOr(flags, "issuer-poll-interval", DEFAULT_POLL_INTERVAL,
        IdentityServerConfig::parseDuration, errors);
    IdentityConfig identity = null;
    if (lifetime != null && skew != null) {
      try {
        identity = new IdentityConfig(lifetime, skew, namespace, trustDomain);
      } catch (IllegalArgumentException e) {
        errors.add(e.getMessage());
      }
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException("invalid identity server flags:\n  " + String.join("\n  ", errors));
    }
    return new IdentityServerConfig(addr, new IssuerFiles(issuerDir, anchors), tokenDir, identity, poll,
        DEFAULT_DEBOUNCE);
  }

  /** {@code 24h0m0s}, {@code 1h30m}, {@code 20s}, {@code 500ms}, or ISO-8601 {@code PT24H}. */
  public static Duration parseDuration(String text) {
    String value = text.strip();
    if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
      return Duration.parse(value);
    }
    Matcher matcher = GO_DURATION.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (matcher.find() && matcher.start() == end) {
      long amount = Long.parseLong(matcher.group(1));
      total = total.plus(switch (matcher.group(2)) {
        case "h" -> Duration.ofHours(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "s" -> Duration.ofSeconds(amount);
        default -> Duration.ofMillis(amount);
      });
      end = matcher.end();
    }
    if (value.isEmpty() || end != value.length()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration (expected e.g. 24h0m0s, 20s, 500ms)");
    }
    return total;
  }

  static InetSocketAddress parseAddress(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("'" + text + "' is not host:port (expected e.g. 0.0.0.0:8080 or :8080)");
    }
    String host = text.substring(0, colon);
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "': port is not a number");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("'" + text + "': port " + port + " (expected: 0-65535)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
  }

  private static <T> T parseOr(Map<String, String> flags, String name, T fallback,
      java.util.function.Function<String, T> parser, List<String> errors) {
    String value = flags.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return parser.apply(value);
    } catch (RuntimeException e) {
      errors.add("--" + name + ": " + e.getMessage());
      return null;
    }
  }
}
