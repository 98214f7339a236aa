package dev.lattice.proxy.discovery;

import dev.lattice.pki.IdentityName;
import dev.lattice.proxy.metrics.Labels;
import dev.lattice.proxy.transport.OrigDstAddr;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What discovery knows about one destination address: whether a peer proxy fronts it (and which
 * identity that proxy must prove), whether its protocol is opaque, and labels for metrics.
 *
 * @param target the address the application dialled
 * @param meshed present when a peer proxy fronts the target
 * @param opaque true when the destination's protocol must not be detected (server-speaks-first, TLS…)
 * @param metricLabels e.g. {@code namespace=emojivoto}, rendered as {@code dst_namespace="emojivoto"}
 */
public record Endpoint(OrigDstAddr target, Optional<Meshed> meshed, boolean opaque, Map<String, String> metricLabels) {
  public Endpoint {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(meshed, "meshed");
    metricLabels = Map.copyOf(new LinkedHashMap<>(metricLabels));
  }

  /**
   * A peer proxy: dial {@code proxy} (its inbound port) over mTLS and insist on {@code identity}.
   */
  public record Meshed(IdentityName identity, InetSocketAddress proxy) {
    public Meshed {
      Objects.requireNonNull(identity, "identity");
      Objects.requireNonNull(proxy, "proxy");
    }

    // Written out: part of the key every new outbound connection looks up (see PeerUpstreams.Key).
    @Override
    public boolean equals(Object o) {
      return o instanceof Meshed m && identity.equals(m.identity) && proxy.equals(m.proxy);
    }

    @Override
    public int hashCode() {
      return identity.hashCode() * 31 + proxy.hashCode();
    }
  }

  /** An address discovery knows nothing about: forwarded as is, no TLS. */
  public static Endpoint unmeshed(OrigDstAddr target) {
    return new Endpoint(target, Optional.empty(), false, Map.of());
  }

  /** {@code dst_<k>="v"} for every discovery label, in a stable (sorted) order. */
  public Labels dstLabels() {
    String[] kv = metricLabels.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .flatMap(e -> java.util.stream.Stream.of("dst_" + e.getKey(), e.getValue()))
        .toArray(String[]::new);
    return Labels.of(kv);
  }
}
