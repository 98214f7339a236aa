package dev.lattice.control.policy;

import dev.lattice.control.policy.PolicyWarning.BlockedProbe;
import dev.lattice.control.policy.PolicyWarning.DefaultPolicyDrift;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.Snapshot;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.Client;
import dev.lattice.policy.ClientTls;
import dev.lattice.policy.Decision;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Evaluator;
import dev.lattice.policy.Ip;
import dev.lattice.policy.Network;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Request;
import dev.lattice.policy.Route;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the policy surprises of meshed workloads, without changing anything: workloads whose default
 * inbound policy no longer matches their namespace's (spec §1.2), and declared HTTP probes their own
 * proxy would refuse (spec §1.12.2). Whether a probe is refused is decided by the same {@link
 * Evaluator} the proxy uses, on the port policy the {@link PolicyIndex} computes, never by a second
 * reading of the rules.
 *
 * <p>Findings come ordered by workload, then kind (drift first), then container and probe.
 */
public final class PolicyWarnings {
  /** Marks a pod for injection; also honoured on its namespace. */
  public static final String INJECT_KEY = "linkerd.io/inject";

  private PolicyWarnings() {}

  /** Every finding in {@code index}, probing from {@link #probeSource(PolicyConfig)}. */
  public static List<PolicyWarning> of(PolicyIndex index) {
    List<PolicyWarning> out = new ArrayList<>();
    Ip source = probeSource(index.config());
    for (Workload w : meshed(index)) {
      defaultPolicyDrift(index, w).ifPresent(out::add);
      out.addAll(blockedProbes(index, w, source));
    }
    return out;
  }

  /**
   * Every finding in {@code snapshot}, as a controller starting now would index it. Drift shows for
   * every workload whose record carries what it inherited at creation ({@link Workload#inherited()},
   * which every store records); a record without it is taken to have inherited the namespace as it is
   * now, so it shows none.
   */
  public static List<PolicyWarning> of(Snapshot snapshot, PolicyConfig config) {
    return of(PolicyIndex.of(snapshot, config));
  }

  /** Workloads whose effective default differs from what their namespace would give them now. */
  public static List<DefaultPolicyDrift> defaultPolicyDrift(PolicyIndex index) {
    return meshed(index).stream().flatMap(w -> defaultPolicyDrift(index, w).stream()).toList();
  }

  /** Declared HTTP probes the workloads' own proxies would refuse to a client at {@code source}. */
  public static List<BlockedProbe> blockedProbes(PolicyIndex index, Ip source) {
    return meshed(index).stream().flatMap(w -> blockedProbes(index, w, source).stream()).toList();
  }

  /**
   * Where the kubelet-like probe client comes from: the first address of the first cluster network
   * that lies in the probe networks (the kubelet runs on a node, inside the cluster networks), else
   * the first address of the first probe network, else of the first cluster network.
   *
   * @throws IllegalArgumentException when there are neither cluster nor probe networks
   */
  public static Ip probeSource(PolicyConfig config) {
    for (Network n : config.clusterNetworks()) {
      Ip ip = firstHost(n);
      if (config.probeNetworks().stream().anyMatch(p -> p.contains(ip))) {
        return ip;
      }
    }
    List<Network> fallback = !config.probeNetworks().isEmpty() ? config.probeNetworks() : config.clusterNetworks();
    if (fallback.isEmpty()) {
      throw new IllegalArgumentException("no cluster or probe networks: cannot place the probe client");
    }
    return firstHost(fallback.getFirst());
  }

  /** Whether {@code w} has a proxy: injected (labelled), or marked for injection on itself or its namespace. */
  public static boolean meshed(Workload w, Optional<Namespace> namespace) {
    if (w.meshed()) {
      return true;
    }
    String own = w.annotations().get(INJECT_KEY);
    if (own != null) {
      return !own.equals("disabled");
    }
    return namespace.map(ns -> ns.annotations().get(INJECT_KEY)).filter(v -> !v.equals("disabled")).isPresent();
  }

  // ---- default policy drift

  private static Optional<DefaultPolicyDrift> defaultPolicyDrift(PolicyIndex index, Workload w) {
    if (w.annotations().containsKey(PolicyIndex.DEFAULT_POLICY_KEY)) {
      return Optional.empty(); // its own value stands, now and when recreated
    }
    Optional<Namespace> ns = index.namespace(w.namespace());
    if (ns.isEmpty()) {
      return Optional.empty(); // nothing to compare with: a namespace that is gone creates no workloads
    }
    PolicyConfig config = index.config();
    String copied = index.effectiveAnnotations(w).get(PolicyIndex.DEFAULT_POLICY_KEY);
    String current = ns.get().annotations().get(PolicyIndex.DEFAULT_POLICY_KEY);
    DefaultPolicy effective = resolve(copied, config);
    DefaultPolicy now = resolve(current, config);
    if (effective == now) {
      return Optional.empty();
    }
    String effectiveSource = copied == null
        ? "the cluster default: namespace " + w.namespace() + " had no annotation when the workload was created"
        : resolved(copied, config)
            ? "copied from namespace " + w.namespace() + " when the workload was created"
            : "the cluster default: the value " + copied + " copied from namespace " + w.namespace() + " is invalid";
    String nowSource = current == null
        ? "the cluster default: the namespace has no " + PolicyIndex.DEFAULT_POLICY_KEY + " annotation"
        : resolved(current, config)
            ? "namespace " + w.namespace() + "'s " + PolicyIndex.DEFAULT_POLICY_KEY + " annotation"
            : "the cluster default: the namespace's value " + current + " is invalid";
    return Optional.of(new DefaultPolicyDrift(w, effective, effectiveSource, now, nowSource));
  }

  /** The controller's reading of an annotation value (spec §1.2): valid, or the cluster default. */
  private static DefaultPolicy resolve(String value, PolicyConfig config) {
    return resolved(value, config) ? DefaultPolicy.parse(value).orElseThrow() : config.clusterDefault();
  }

  private static boolean resolved(String value, PolicyConfig config) {
    if (value == null) {
      return false;
    }
    Optional<DefaultPolicy> parsed = DefaultPolicy.parse(value);
    return parsed.isPresent() && !(parsed.get().needsClusterNetworks() && config.clusterNetworks().isEmpty());
  }

  // ---- probes

  private record Probe(Workload.Container container, Workload.HttpProbe probe, int port, String path) {}

  private static List<BlockedProbe> blockedProbes(PolicyIndex index, Workload w, Ip source) {
    Client kubelet = new Client(source, ClientTls.plaintext());
    // Evaluate every probe first, so each finding's fix can cover all refused paths of its port at once.
    Map<Integer, List<Map.Entry<Probe, Decision>>> refused = new LinkedHashMap<>();
    Map<Integer, EffectivePolicy> policies = new LinkedHashMap<>();
    for (Workload.Container c : w.containers()) {
      for (Workload.HttpProbe p : c.probes()) {
        int port = PolicyIndex.probePort(c, p);
        if (port < 0) {
          continue; // the kubelet cannot resolve the port either; that is no policy matter
        }
        String path = p.path() == null || p.path().isEmpty() ? "/" : p.path();
        EffectivePolicy ep = policies.computeIfAbsent(port, n -> index.portPolicy(w, n));
        Decision d = Evaluator.of(ep.policy()).explain(kubelet, Request.of("GET", path));
        if (!d.allowed()) {
          refused.computeIfAbsent(port, n -> new ArrayList<>()).add(Map.entry(new Probe(c, p, port, path), d));
        }
      }
    }
    List<BlockedProbe> out = new ArrayList<>();
    refused.forEach((port, probes) -> {
      EffectivePolicy ep = policies.get(port);
      Set<String> paths = new LinkedHashSet<>();
      probes.forEach(e -> paths.add(Request.of("GET", e.getKey().path()).path()));
      for (Map.Entry<Probe, Decision> e : probes) {
        Probe probe = e.getKey();
        Decision d = e.getValue();
        Remedy remedy = remedy(index.config(), w, ep, List.copyOf(paths), source);
        out.add(new BlockedProbe(w, probe.container().name(), probe.probe().kind(), port, probe.path(),
            serverName(ep), reason(ep, d, probe.path(), source), d, remedy.fix(), remedy.snippet()));
      }
    });
    return out;
  }

  private static String serverName(EffectivePolicy ep) {
    return ep.server() != null ? "Server/" + ep.server().name() : "default server " + ep.policy().server();
  }

  private static String reason(EffectivePolicy ep, Decision d, String path, Ip source) {
    String server = serverName(ep);
    List<String> routes = attachedRoutes(ep);
    String client = "an unauthenticated client at " + source;
    if (!ep.policy().protocol().hasRoutes()) {
      return server + " is " + ep.policy().protocol().value() + ", so the probe is decided per connection and no"
          + " server-level authorization admits " + client;
    }
    if (ep.policy().protocol() == ProxyProtocol.GRPC) {
      return server + " is a gRPC Server: it has no probe route and HTTPRoutes have no effect on it";
    }
    if (!routes.isEmpty()) {
      String what = server + " has " + String.join(", ", routes) + ", which replace its automatic probe route, and ";
      return switch (d.outcome()) {
        case NO_ROUTE -> what + "none matches GET " + path;
        default -> what + (d.route() == null ? "" : d.route() + " matches GET " + path + " but ")
            + "no authorization on it admits " + client + " from the probe networks";
      };
    }
    if (ep.policy().routes().stream().noneMatch(r -> r.meta().equals(Route.PROBE))) {
      return server + " has no probe route (no probe networks are configured) and nothing else admits " + client;
    }
    return d.reason();
  }

  private static List<String> attachedRoutes(EffectivePolicy ep) {
    return ep.policy().routes().stream().filter(r -> !r.meta().isDefault())
        .map(r -> r.meta().kind() + "/" + r.meta().name()).toList();
  }

  private record Remedy(String fix, String snippet) {}

  /** The smallest change that lets the probes on this port through, without opening anything else. */
  private static Remedy remedy(PolicyConfig config, Workload w, EffectivePolicy ep, List<String> paths, Ip source) {
    ProxyProtocol protocol = ep.policy().protocol();
    if (ep.server() == null) {
      if (!protocol.hasRoutes()) {
        return new Remedy("the port is opaque (" + MeshKeys.OPAQUE_PORTS + "), where the proxy sees no HTTP paths:"
            + " probe a port that is not opaque, or give the workload a default-inbound-policy that admits"
            + " unauthenticated clients", "");
      }
      return new Remedy("configure probe networks for the policy controller (they give every probed port a probe"
          + " route), or give the workload a default-inbound-policy that admits unauthenticated clients", "");
    }
    String server = ep.server().name();
    if (!protocol.hasRoutes()) {
      return new Remedy("Server/" + server + " is " + protocol.value() + ", where the proxy sees no HTTP paths: probe a"
          + " port that is not " + protocol.value() + ", or add an AuthorizationPolicy targeting Server/" + server
          + " that admits unauthenticated clients from the kubelet's addresses (e.g. " + source + "/" + source.bits()
          + "), which admits every connection from there", "");
    }
    if (protocol == ProxyProtocol.GRPC) {
      return new Remedy("probe this port with a gRPC health check instead of httpGet, or serve the HTTP probe on a"
          + " port that has no gRPC Server", "");
    }
    String route = server + "-probes";
    String fix = "add an HTTPRoute " + route + " on Server/" + server + " matching GET " + String.join(", ", paths)
        + " exactly, with an AuthorizationPolicy that allows unauthenticated clients from the probe networks"
        + " (other requests keep their routes):";
    return new Remedy(fix, snippet(w.namespace(), server, route, paths, config.probeNetworks()));
  }

  private static String snippet(String namespace, String server, String route, List<String> paths,
      List<Network> probeNetworks) {
    StringBuilder y = new StringBuilder();
    y.append("apiVersion: policy.linkerd.io/v1beta3\n")
        .append("kind: HTTPRoute\n")
        .append("metadata: {name: ").append(route).append(", namespace: ").append(namespace).append("}\n")
        .append("spec:\n")
        .append("  parentRefs: [{group: policy.linkerd.io, kind: Server, name: ").append(server).append("}]\n")
        .append("  rules:\n")
        .append("  - matches:\n");
    for (String path : paths) {
      y.append("    - {path: {type: Exact, value: \"").append(path).append("\"}, method: GET}\n");
    }
    y.append("---\n")
        .append("apiVersion: policy.linkerd.io/v1alpha1\n")
        .append("kind: NetworkAuthentication\n")
        .append("metadata: {name: probe-networks, namespace: ").append(namespace).append("}\n")
        .append("spec:\n")
        .append("  networks:\n");
    for (Network n : probeNetworks) {
      y.append("  - {cidr: \"").append(n.net()).append('"');
      if (!n.except().isEmpty()) {
        y.append(", except: [").append(String.join(", ", n.except().stream().map(c -> "\"" + c + "\"").toList()))
            .append(']');
      }
      y.append("}\n");
    }
    y.append("---\n")
        .append("apiVersion: policy.linkerd.io/v1alpha1\n")
        .append("kind: AuthorizationPolicy\n")
        .append("metadata: {name: ").append(route).append(", namespace: ").append(namespace).append("}\n")
        .append("spec:\n")
        .append("  targetRef: {group: policy.linkerd.io, kind: HTTPRoute, name: ").append(route).append("}\n")
        .append("  requiredAuthenticationRefs:\n")
        .append("  - {group: policy.linkerd.io, kind: NetworkAuthentication, name: probe-networks}\n");
    return y.toString();
  }

  private static List<Workload> meshed(PolicyIndex index) {
    return index.workloads().stream().filter(w -> meshed(w, index.namespace(w.namespace()))).toList();
  }

  private static Ip firstHost(Network n) {
    Ip base = n.net().base();
    return new Ip(base.v6(), base.hi(), base.lo() + 1);
  }
}
