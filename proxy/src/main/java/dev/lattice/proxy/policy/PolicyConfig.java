package dev.lattice.proxy.policy;

import dev.lattice.api.Ports;
import dev.lattice.api.ProxyEnv;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Network;
import dev.lattice.proxy.env.EnvReader;
import dev.lattice.proxy.env.HostAndPort;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How the proxy obtains inbound policy.
 *
 * @param serviceAddress the policy service ({@code LINKERD2_PROXY_POLICY_SVC_ADDR}); empty: no service,
 *     every port keeps the start-time default
 * @param workload this proxy's workload as the service knows it ({@code LINKERD2_PROXY_POLICY_WORKLOAD},
 *     JSON {@code {"ns":"…","pod":"…"}}); required with a service
 * @param defaultPolicy the start-time default ({@code LINKERD2_PROXY_INBOUND_DEFAULT_POLICY}); required
 * @param clusterNetworks for {@code cluster-*} defaults ({@code LINKERD2_PROXY_POLICY_CLUSTER_NETWORKS})
 * @param inboundPorts watched from startup ({@code LINKERD2_PROXY_INBOUND_PORTS}), with the admin port
 * @param opaquePorts start with the opaque variant of the default
 *     ({@code LINKERD2_PROXY_INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION})
 * @param pending what a port enforces until the service first answers for it
 *     ({@code LATTICE_PROXY_INBOUND_POLICY_PENDING}, default {@code deny})
 * @param firstAnswerWait how long a connection may wait for its port's first answer
 *     ({@code LATTICE_PROXY_INBOUND_POLICY_WAIT}, default 1s)
 * @param minBackoff first delay before re-opening a failed watch
 * @param maxBackoff longest delay between attempts
 */
public record PolicyConfig(
    Optional<HostAndPort> serviceAddress,
    String workload,
    DefaultPolicy defaultPolicy,
    List<Network> clusterNetworks,
    Set<Integer> inboundPorts,
    Set<Integer> opaquePorts,
    Pending pending,
    Duration firstAnswerWait,
    Duration minBackoff,
    Duration maxBackoff) {
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);
  public static final Duration DEFAULT_MIN_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);

  /** What a port enforces before the policy service has answered for it. */
  public enum Pending {
    /** Lattice's default: deny (fail closed). Loopback clients still pass ({@code default:localhost}). */
    DENY("deny"),
    /** Linkerd's behaviour: the start-time default policy (spec §1.2). */
    DEFAULT("default");

    private final String value;

    Pending(String value) {
      this.value = value;
    }

    static Pending parse(String text) {
      for (Pending p : values()) {
        if (p.value.equals(text)) {
          return p;
        }
      }
      throw new IllegalArgumentException("'" + text + "' is not deny or default");
    }
  }

  public PolicyConfig {
    Objects.requireNonNull(serviceAddress, "serviceAddress");
    Objects.requireNonNull(workload, "workload");
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    Objects.requireNonNull(pending, "pending");
    clusterNetworks = List.copyOf(clusterNetworks);
    inboundPorts = Set.copyOf(inboundPorts);
    opaquePorts = Set.copyOf(opaquePorts);
    if (serviceAddress.isPresent() && workload.isEmpty()) {
      throw new IllegalArgumentException("workload: empty (required with a policy service)");
    }
    if (defaultPolicy.needsClusterNetworks() && clusterNetworks.isEmpty()) {
      throw new IllegalArgumentException("default policy " + defaultPolicy + " needs cluster networks");
    }
    if (firstAnswerWait.isNegative() || minBackoff.isNegative() || minBackoff.isZero()
        || minBackoff.compareTo(maxBackoff) > 0) {
      throw new IllegalArgumentException("bad timing: wait " + firstAnswerWait + ", backoff " + minBackoff + "-"
          + maxBackoff + " (expected: wait >= 0, 0 < min <= max)");
    }
  }

  /** A proxy with no policy service: every port keeps {@code policy}. For tests and local runs. */
  public static PolicyConfig staticDefault(DefaultPolicy policy, List<Network> clusterNetworks) {
    return new PolicyConfig(Optional.empty(), "", policy, clusterNetworks, Set.of(), Set.of(), Pending.DENY,
        DEFAULT_WAIT, DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF);
  }

  public PolicyConfig withService(HostAndPort address, String workloadJson) {
    return new PolicyConfig(Optional.of(address), workloadJson, defaultPolicy, clusterNetworks, inboundPorts,
        opaquePorts, pending, firstAnswerWait, minBackoff, maxBackoff);
  }

  public PolicyConfig withPorts(Set<Integer> inbound, Set<Integer> opaque) {
    return new PolicyConfig(serviceAddress, workload, defaultPolicy, clusterNetworks, inbound, opaque, pending,
        firstAnswerWait, minBackoff, maxBackoff);
  }

  public PolicyConfig withPending(Pending mode, Duration wait) {
    return new PolicyConfig(serviceAddress, workload, defaultPolicy, clusterNetworks, inboundPorts, opaquePorts,
        mode, wait, minBackoff, maxBackoff);
  }

  public PolicyConfig withBackoff(Duration min, Duration max) {
    return new PolicyConfig(serviceAddress, workload, defaultPolicy, clusterNetworks, inboundPorts, opaquePorts,
        pending, firstAnswerWait, min, max);
  }

  /** Whether a policy service answers for ports (otherwise every port keeps the start-time default). */
  public boolean hasService() {
    return serviceAddress.isPresent();
  }

  /** Ports to watch from startup: the declared inbound ports and the admin port. */
  public Set<Integer> eagerPorts() {
    Set<Integer> out = new TreeSet<>(inboundPorts);
    out.add(Ports.PROXY_ADMIN);
    return out;
  }

  /** Parses the policy variables of {@code env}, throwing one exception for every problem found. */
  public static PolicyConfig parse(Map<String, String> env) {
    EnvReader reader = new EnvReader(env);
    Optional<PolicyConfig> config = from(reader);
    reader.throwIfInvalid();
    return config.orElseThrow();
  }

  /**
   * Reads the policy variables, recording each problem in {@code env}. A missing default policy is a
   * problem (Lattice refuses to guess one; Linkerd warns and uses {@code all-unauthenticated}).
   */
  public static Optional<PolicyConfig> from(EnvReader env) {
    int before = env.problems().size();
    Optional<HostAndPort> address = env.parse(ProxyEnv.POLICY_SVC_ADDR, HostAndPort::parse);
    Optional<String> workload = env.get(ProxyEnv.POLICY_WORKLOAD);
    if (env.get(ProxyEnv.POLICY_SVC_ADDR).isPresent()) {
      if (workload.isEmpty()) {
        env.problem(ProxyEnv.POLICY_WORKLOAD, "is required when " + ProxyEnv.POLICY_SVC_ADDR + " is set");
      } else if (!looksLikeWorkload(workload.get())) {
        env.problem(ProxyEnv.POLICY_WORKLOAD, "expected JSON {\"ns\":\"<namespace>\",\"pod\":\"<pod>\"}");
      }
    }
    Optional<DefaultPolicy> policy = env.required(ProxyEnv.INBOUND_DEFAULT_POLICY, text -> DefaultPolicy.parse(text)
        .orElseThrow(() -> new IllegalArgumentException("expected one of " + DefaultPolicy.spellings())));
    List<Network> networks = env.parse(ProxyEnv.POLICY_CLUSTER_NETWORKS, Network::parseList).orElse(List.of());
    if (policy.isPresent() && policy.get().needsClusterNetworks() && networks.isEmpty()
        && !env.hasProblem(ProxyEnv.POLICY_CLUSTER_NETWORKS)) {
      env.problem(ProxyEnv.INBOUND_DEFAULT_POLICY,
          policy.get() + " needs " + ProxyEnv.POLICY_CLUSTER_NETWORKS + ", which is not set");
    }
    Set<Integer> inbound = env.parse(ProxyEnv.INBOUND_PORTS, PortSets::parse).orElse(Set.of());
    Set<Integer> opaque = env.parse(ProxyEnv.INBOUND_PORTS_DISABLE_PROTOCOL_DETECTION, PortSets::parse)
        .orElse(Set.of());
    Pending pending = env.parse(ProxyEnv.LATTICE_INBOUND_POLICY_PENDING, Pending::parse).orElse(Pending.DENY);
    Duration wait = env.duration(ProxyEnv.LATTICE_INBOUND_POLICY_WAIT, DEFAULT_WAIT);
    if (env.problems().size() > before) {
      return Optional.empty();
    }
    return Optional.of(new PolicyConfig(address, workload.orElse(""), policy.orElseThrow(), networks, inbound,
        opaque, pending, wait, DEFAULT_MIN_BACKOFF, DEFAULT_MAX_BACKOFF));
  }

  private static boolean looksLikeWorkload(String text) {
    String s = text.strip();
    if (s.startsWith("{")) {
      return s.endsWith("}") && s.contains("\"ns\"") && s.contains("\"pod\"");
    }
    int colon = s.indexOf(':');
    return colon > 0 && colon < s.length() - 1;
  }
}
