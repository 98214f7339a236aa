package dev.lattice.proxy;

import dev.lattice.proxy.discovery.Discovery;
import dev.lattice.proxy.identity.CredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.policy.InboundAuthorizer;
import dev.lattice.proxy.transport.OriginalDestination;
import java.time.InstantSource;
import java.util.Objects;
import java.util.Optional;

/**
 * The collaborators a proxy is built from, passed explicitly (no globals): where credentials come
 * from, how destinations are discovered, how original destinations are read, the metrics registry,
 * the clock and, when inbound policy is configured, the authorizer the inbound stack enforces.
 *
 * @param originalDestination production: the SO_ORIGINAL_DST reader; tests and benchmarks:
 *     {@link OriginalDestination#localAddress()} or a fixed mapping
 * @param authorizer empty: no inbound policy (every connection and request is forwarded)
 */
public record ProxyRuntime(
    CredentialSource credentials,
    Discovery discovery,
    OriginalDestination originalDestination,
    MetricsRegistry metrics,
    InstantSource clock,
    Optional<InboundAuthorizer> authorizer) {
  public ProxyRuntime {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(originalDestination, "originalDestination");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(authorizer, "authorizer");
  }

  /** A runtime without inbound policy. */
  public ProxyRuntime(CredentialSource credentials, Discovery discovery, OriginalDestination originalDestination,
      MetricsRegistry metrics, InstantSource clock) {
    this(credentials, discovery, originalDestination, metrics, clock, Optional.empty());
  }

  /** The same collaborators, enforcing {@code authorizer} on the inbound side. */
  public ProxyRuntime withAuthorizer(InboundAuthorizer authorizer) {
    return new ProxyRuntime(credentials, discovery, originalDestination, metrics, clock, Optional.of(authorizer));
  }
}
