package dev.lattice.proxy.identity;

import dev.lattice.api.ProxyEnv;
import dev.lattice.pki.IdentityName;
import dev.lattice.pki.TrustBundle;
import dev.lattice.proxy.env.EnvReader;
import dev.lattice.proxy.env.HostAndPort;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How the proxy obtains its identity: who it is, whom it trusts, where its token is and where the
 * identity service listens.
 *
 * @param localName this workload's identity ({@code LINKERD2_PROXY_IDENTITY_LOCAL_NAME}); also its TLS
 *     server name
 * @param trustAnchors the mesh's roots ({@code LINKERD2_PROXY_IDENTITY_TRUST_ANCHORS}, inline PEM)
 * @param tokenFile the service-account token, re-read on every Certify call
 *     ({@code LINKERD2_PROXY_IDENTITY_TOKEN_FILE})
 * @param serviceAddress the identity service ({@code LINKERD2_PROXY_IDENTITY_SVC_ADDR})
 * @param serviceName the identity the identity service must present
 *     ({@code LINKERD2_PROXY_IDENTITY_SVC_NAME}); optional only for loopback addresses
 * @param minRefresh lower bound of the refresh delay, and the first retry delay after a failure
 * @param maxRefresh upper bound of every delay
 */
public record IdentityConfig(
    IdentityName localName,
    TrustBundle trustAnchors,
    Path tokenFile,
    HostAndPort serviceAddress,
    Optional<IdentityName> serviceName,
    Duration minRefresh,
    Duration maxRefresh) {
  public static final Duration DEFAULT_MIN_REFRESH = Duration.ofSeconds(10);
  public static final Duration DEFAULT_MAX_REFRESH = Duration.ofHours(24);

  public IdentityConfig {
    if (minRefresh.isNegative() || maxRefresh.isNegative()) {
      throw new IllegalArgumentException("refresh bounds must not be negative: " + minRefresh + ", " + maxRefresh);
    }
    if (minRefresh.compareTo(maxRefresh) > 0) {
      throw new IllegalArgumentException(
          "minRefresh: " + minRefresh + " (expected: <= maxRefresh " + maxRefresh + ")");
    }
  }

  /** Parses the identity variables of {@code env}, throwing one exception for every problem found. */
  public static IdentityConfig parse(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    Optional<IdentityConfig> config = from(reader);
    reader.throwIfInvalid();
    return config.orElseThrow();
  }

  /**
   * Reads the identity variables, recording each problem in {@code env}. Empty if any of its variables
   * was bad; call {@link EnvReader#throwIfInvalid()} after every feature has read its part.
   */
  public static Optional<IdentityConfig> from(EnvReader env) {
    int problemsBefore = env.problems().size();
    if (env.get(ProxyEnv.IDENTITY_DISABLED).isPresent()) {
      // Linkerd removed identity-less proxies; refuse rather than run a proxy that cannot do mTLS.
      env.problem(ProxyEnv.IDENTITY_DISABLED, "disabling identity is no longer supported; unset this variable");
    }
    Optional<IdentityName> localName = env.required(ProxyEnv.IDENTITY_LOCAL_NAME, IdentityName::new);
    Optional<TrustBundle> anchors = env.required(ProxyEnv.IDENTITY_TRUST_ANCHORS, TrustBundle::parse);
    Optional<Path> tokenFile = env.required(ProxyEnv.IDENTITY_TOKEN_FILE, Path::of);
    Optional<HostAndPort> address = env.required(ProxyEnv.IDENTITY_SVC_ADDR, HostAndPort::parse);
    Optional<IdentityName> serviceName = env.parse(ProxyEnv.IDENTITY_SVC_NAME, IdentityName::new);
    Duration min = env.duration(ProxyEnv.IDENTITY_MIN_REFRESH, DEFAULT_MIN_REFRESH);
    Duration max = env.duration(ProxyEnv.IDENTITY_MAX_REFRESH, DEFAULT_MAX_REFRESH);

    if (address.isPresent() && !address.get().isLoopback() && serviceName.isEmpty()
        && !env.hasProblem(ProxyEnv.IDENTITY_SVC_NAME)) {
      env.problem(ProxyEnv.IDENTITY_SVC_NAME,
          "is required when " + ProxyEnv.IDENTITY_SVC_ADDR + " is not a loopback address");
    }
    if (min.compareTo(max) > 0) {
      env.problem(ProxyEnv.IDENTITY_MIN_REFRESH, "must not exceed " + ProxyEnv.IDENTITY_MAX_REFRESH + " (" + max + ")");
    }
    if (env.problems().size() > problemsBefore) {
      return Optional.empty();
    }
    return Optional.of(new IdentityConfig(
        localName.orElseThrow(), anchors.orElseThrow(), tokenFile.orElseThrow(), address.orElseThrow(),
        serviceName, min, max));
  }
}
