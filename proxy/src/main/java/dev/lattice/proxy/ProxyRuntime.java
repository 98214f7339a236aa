package dev.lattice.proxy;

import dev.lattice.proxy.discovery.Discovery;
import dev.lattice.proxy.identity.CredentialSource;
import dev.lattice.proxy.metrics.MetricsRegistry;
import dev.lattice.proxy.transport.OriginalDestination;
import java.time.InstantSource;
import java.util.Objects;

/**
 * The collaborators a proxy is built from, passed explicitly (no globals): where credentials come
 * from, how destinations are discovered, how original destinations are read, the metrics registry
 * and the clock.
 *
 * @param originalDestination production: the SO_ORIGINAL_DST reader; tests and benchmarks:
 *     {@link OriginalDestination#localAddress()} or a fixed mapping
 */
public record ProxyRuntime(
    CredentialSource credentials,
    Discovery discovery,
    OriginalDestination originalDestination,
    MetricsRegistry metrics,
    InstantSource clock) {
  public ProxyRuntime {
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(discovery, "discovery");
    Objects.requireNonNull(originalDestination, "originalDestination");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(clock, "clock");
  }
}
