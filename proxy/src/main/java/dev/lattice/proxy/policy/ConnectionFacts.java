package dev.lattice.proxy.policy;

import dev.lattice.policy.Client;
import dev.lattice.policy.Decision;
import dev.lattice.proxy.metrics.Counter;
import dev.lattice.proxy.metrics.Labels;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * What policy needs to know of one accepted connection, worked out once when it is accepted: the port
 * (the original destination's), the client as the evaluator reads it, and the target and TLS metric
 * labels. It also remembers which counter each decision counts into, so a request only looks up a
 * counter it has used before: decisions are precomputed per policy, so the cache is keyed by identity.
 */
public final class ConnectionFacts {
  private final int port;
  private final InetSocketAddress target;
  private final Client client;
  private final Labels targetLabels;
  private final Labels tlsLabels;
  private final Map<Decision, Counter> counters = new IdentityHashMap<>();

  ConnectionFacts(int port, InetSocketAddress target, Client client, Labels targetLabels, Labels tlsLabels) {
    this.port = port;
    this.target = target;
    this.client = client;
    this.targetLabels = targetLabels;
    this.tlsLabels = tlsLabels;
  }

  public int port() {
    return port;
  }

  public InetSocketAddress target() {
    return target;
  }

  public Client client() {
    return client;
  }

  Labels targetLabels() {
    return targetLabels;
  }

  Labels tlsLabels() {
    return tlsLabels;
  }

  Counter counter(Decision decision, Function<Decision, Counter> resolve) {
    synchronized (counters) {
      Counter c = counters.get(decision);
      if (c == null) {
        if (counters.size() > 64) {
          counters.clear(); // many policy updates on one long connection: forget stale decisions
        }
        c = resolve.apply(decision);
        counters.put(decision, c);
      }
      return c;
    }
  }

  @Override
  public String toString() {
    return client + " -> " + target;
  }
}
