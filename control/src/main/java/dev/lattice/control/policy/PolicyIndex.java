package dev.lattice.control.policy;

import dev.lattice.control.policy.PolicyObject.AuthRef;
import dev.lattice.control.policy.PolicyObject.AuthorizationPolicy;
import dev.lattice.control.policy.PolicyObject.HttpRoute;
import dev.lattice.control.policy.PolicyObject.MeshTlsAuthentication;
import dev.lattice.control.policy.PolicyObject.NetworkAuthentication;
import dev.lattice.control.policy.PolicyObject.PortRef;
import dev.lattice.control.policy.PolicyObject.Server;
import dev.lattice.control.policy.PolicyObject.ServerAuthorization;
import dev.lattice.control.store.Kind.Groups;
import dev.lattice.control.store.MeshKeys;
import dev.lattice.control.store.Namespace;
import dev.lattice.control.store.PolicyResource;
import dev.lattice.control.store.PortSpec;
import dev.lattice.control.store.Protocol;
import dev.lattice.control.store.Resource;
import dev.lattice.control.store.ResourceRef;
import dev.lattice.control.store.ResourceSink;
import dev.lattice.control.store.Snapshot;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.Authentication;
import dev.lattice.policy.Authorization;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.HostMatch;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Network;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes every workload port's effective inbound policy (spec §1.14) from the store's resources. It
 * is a {@link ResourceSink}: feed it from {@code Store.watch}, or build one from a snapshot.
 *
 * <p>Timing, as the injector has it: a workload takes the namespace's {@code default-inbound-policy},
 * opaque-ports and require-identity annotations when it is <em>created</em>; later namespace edits do
 * not reach it until it is recreated. The store records that on each workload ({@link
 * Workload#inherited()}), so an index built later from a snapshot, by a restarted controller or by
 * {@code lattice check}, follows the same timing; only for records without it does the index take the
 * namespace as it is when it first sees the workload. Invalid policy resources (which bypassed
 * admission) are ignored with a warning, never partly applied.
 */
public final class PolicyIndex implements ResourceSink {
  /** The workload annotation that picks the default policy. */
  public static final String DEFAULT_POLICY_KEY = MeshKeys.DEFAULT_INBOUND_POLICY;
  /** Ports on which an unauthenticated default becomes its authenticated variant. */
  public static final String REQUIRE_IDENTITY_KEY = MeshKeys.REQUIRE_IDENTITY_INBOUND_PORTS;
  private static final Logger log = LoggerFactory.getLogger(PolicyIndex.class);

  private final PolicyConfig config;
  private final Map<String, Namespace> namespaces = new HashMap<>();
  private final Map<ResourceRef, Workload> workloads = new TreeMap<>();
  /**
   * What each workload whose record carries no {@link Workload#inherited()} took from its namespace
   * when this index first saw it: a stand-in for state written before the store recorded it.
   */
  private final Map<ResourceRef, Map<String, String>> inherited = new HashMap<>();
  private final Map<ResourceRef, PolicyObject> objects = new TreeMap<>();

  public PolicyIndex(PolicyConfig config) {
    this.config = config;
  }

  /** An index of {@code snapshot}, as a controller starting now would build it. */
  public static PolicyIndex of(Snapshot snapshot, PolicyConfig config) {
    PolicyIndex index = new PolicyIndex(config);
    index.resync(snapshot);
    return index;
  }

  public PolicyConfig config() {
    return config;
  }

  @Override
  public synchronized void resync(Snapshot snapshot) {
    namespaces.clear();
    workloads.clear();
    objects.clear();
    snapshot.namespaces().forEach(ns -> namespaces.put(ns.name(), ns));
    Map<ResourceRef, Map<String, String>> kept = new HashMap<>(inherited);
    inherited.clear();
    for (Resource r : snapshot.resources().values()) {
      if (r instanceof Workload w && kept.containsKey(w.ref())) {
        inherited.put(w.ref(), kept.get(w.ref()));
      }
      apply(r);
    }
  }

  @Override
  public synchronized void apply(Resource resource) {
    switch (resource) {
      case Namespace ns -> namespaces.put(ns.name(), ns);
      case Workload w -> {
        if (workloads.put(w.ref(), w) == null && w.inherited() == null && !inherited.containsKey(w.ref())) {
          Namespace ns = namespaces.get(w.namespace());
          inherited.put(w.ref(), ns == null ? Map.of() : ns.inheritedByNewWorkloads());
        }
      }
      case PolicyResource pr -> {
        PolicyDecoder.Result result = PolicyDecoder.decode(pr);
        if (result.value() == null) {
          log.warn("ignoring invalid {}: {}", pr.ref().qualified(), result.problems());
          objects.remove(pr.ref());
        } else {
          objects.put(pr.ref(), result.value());
        }
      }
      default -> {}
    }
  }

  @Override
  public synchronized void delete(Resource resource) {
    switch (resource) {
      case Namespace ns -> namespaces.remove(ns.name());
      case Workload w -> {
        workloads.remove(w.ref());
        inherited.remove(w.ref());
      }
      case PolicyResource pr -> objects.remove(pr.ref());
      default -> {}
    }
  }

  public synchronized Optional<Workload> workload(String namespace, String name) {
    return Optional.ofNullable(workloads.get(ResourceRef.of(dev.lattice.control.store.Kind.WORKLOAD, namespace, name)));
  }

  /** Every workload, ordered by namespace and name. */
  public synchronized List<Workload> workloads() {
    return List.copyOf(workloads.values());
  }

  /** The namespace {@code name} as it is now (its annotations may have changed since workloads were created). */
  public synchronized Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.get(name));
  }

  /**
   * The workload's annotations as its proxy sees them: its own, over what it inherited at creation —
   * as the store recorded it, or, for a record without one, as this index first saw the namespace.
   */
  public synchronized Map<String, String> effectiveAnnotations(Workload w) {
    Map<String, String> out = new TreeMap<>(inheritedAtCreation(w));
    out.putAll(w.annotations());
    return out;
  }

  /**
   * What {@code w} took from its namespace when it was created: the store's record, or, for state
   * written before the store recorded it, the namespace as this index first saw it. The index's own
   * record of the workload counts, not a possibly older copy the caller holds. Callers hold the lock.
   */
  private Map<String, String> inheritedAtCreation(Workload w) {
    Workload known = workloads.getOrDefault(w.ref(), w);
    return known.inherited() != null ? known.inherited() : inherited.getOrDefault(w.ref(), Map.of());
  }

  /** Ports worth listing for {@code w}: its declared TCP ports, ports Servers name, and the admin port. */
  public synchronized List<Integer> ports(Workload w) {
    Set<Integer> ports = new TreeSet<>();
    w.ports().stream().filter(p -> p.protocol() == Protocol.TCP).forEach(p -> ports.add(p.number()));
    for (Server s : all(Server.class)) {
      if (s.namespace().equals(w.namespace()) && s.podSelector() != null && s.podSelector().matches(w.labels())
          && s.port() instanceof PortRef.Number(int n)) {
        ports.add(n);
      }
    }
    ports.add(PolicyConfig.ADMIN_PORT);
    return List.copyOf(ports);
  }

  /** All valid policy objects of {@code type} in {@code namespace}, in precedence order. */
  public synchronized <T extends PolicyObject> List<T> objects(Class<T> type, String namespace) {
    return all(type).stream().filter(o -> o.namespace().equals(namespace)).sorted(PolicyObject.PRECEDENCE).toList();
  }

  /** The effective policy of {@code w}'s {@code port}. */
  public synchronized EffectivePolicy portPolicy(Workload w, int port) {
    List<Server> selecting = all(Server.class).stream()
        .filter(s -> s.namespace().equals(w.namespace()) && selects(s, w, port))
        .sorted(PolicyObject.PRECEDENCE)
        .toList();
    List<String> notes = new ArrayList<>();
    if (selecting.isEmpty()) {
      return defaultPolicy(w, port, notes);
    }
    Server s = selecting.getFirst();
    for (Server loser : selecting.subList(1, selecting.size())) {
      notes.add("Server/" + loser.name() + " also selects this port; Server/" + s.name()
          + " is older (or first by name) and governs it");
    }
    Meta serverMeta = Meta.of(Groups.POLICY, "server", s.name());
    List<Authorization> authz = new ArrayList<>();
    for (AuthorizationPolicy ap : objects(AuthorizationPolicy.class, s.namespace()).stream()
        .sorted(Comparator.comparing(PolicyObject::name)).toList()) {
      if (ap.target().is(Groups.POLICY, "Server") && ap.target().name().equals(s.name())) {
        authorization(ap, notes).ifPresent(authz::add);
      }
    }
    for (AuthorizationPolicy ap : objects(AuthorizationPolicy.class, s.namespace()).stream()
        .sorted(Comparator.comparing(PolicyObject::name)).toList()) {
      if (ap.target().is("", "Namespace") && ap.target().name().equals(s.namespace())) {
        authorization(ap, notes).ifPresent(authz::add);
      }
    }
    for (ServerAuthorization saz : objects(ServerAuthorization.class, s.namespace()).stream()
        .sorted(Comparator.comparing(PolicyObject::name)).toList()) {
      boolean selected = saz.serverName() != null ? saz.serverName().equals(s.name())
          : saz.serverSelector().matches(s.labels());
      if (selected) {
        authz.add(authorization(saz));
      }
    }
    s.accessPolicy().authorization(config.clusterNetworks()).ifPresent(authz::add);
    ProxyProtocol protocol = s.protocol();
    List<Route> routes = new ArrayList<>();
    if (protocol.hasRoutes()) {
      boolean grpc = protocol == ProxyProtocol.GRPC;
      List<HttpRoute> attached = objects(HttpRoute.class, s.namespace()).stream()
          .filter(r -> r.parents().stream().anyMatch(p -> p.isServer() && p.name().equals(s.name())))
          .toList();
      boolean grpcAttached = attached.stream().anyMatch(HttpRoute::grpc);
      for (HttpRoute r : attached) {
        if (r.grpc() != grpc) {
          notes.add(r.kind() + "/" + r.name() + " is attached but has no effect on a " + protocol.value() + " Server");
          continue;
        }
        if (!grpc && grpcAttached) {
          notes.add("HTTPRoute/" + r.name() + " is not accepted: a GRPCRoute is attached to the same Server");
          continue;
        }
        routes.add(route(r, notes));
      }
      if (routes.isEmpty()) {
        routes.add(grpc ? Route.defaultGrpcRoute() : Route.defaultRoute());
        List<String> probes = grpc ? List.of() : probePaths(w, port);
        if (!probes.isEmpty() && !config.probeNetworks().isEmpty()) {
          routes.add(Route.probeRoute(probes, config.probeNetworks()));
        }
      }
    }
    return new EffectivePolicy(w, port, new PortPolicy(serverMeta, protocol, authz, routes), s, "", notes);
  }

  // ---- default servers

  private EffectivePolicy defaultPolicy(Workload w, int port, List<String> notes) {
    Map<String, String> annotations = effectiveAnnotations(w);
    DefaultPolicy policy = config.clusterDefault();
    String source = "cluster default";
    String value = annotations.get(DEFAULT_POLICY_KEY);
    if (value != null) {
      String from = w.annotations().containsKey(DEFAULT_POLICY_KEY) ? "workload annotation"
          : "namespace annotation (copied when the workload was created)";
      Optional<DefaultPolicy> parsed = DefaultPolicy.parse(value);
      if (parsed.isPresent() && !(parsed.get().needsClusterNetworks() && config.clusterNetworks().isEmpty())) {
        policy = parsed.get();
        source = from;
      } else {
        notes.add(from + " " + DEFAULT_POLICY_KEY + "=" + value + " is invalid (expected one of "
            + DefaultPolicy.spellings() + "); the cluster default applies");
      }
    }
    if (portListed(annotations.get(REQUIRE_IDENTITY_KEY), port, w) && policy.authenticatedVariant() != policy) {
      notes.add("port " + port + " requires identity: " + policy + " becomes " + policy.authenticatedVariant());
      policy = policy.authenticatedVariant();
    }
    boolean opaque = portListed(annotations.get(MeshKeys.OPAQUE_PORTS), port, w);
    PortPolicy pp = PortPolicy.ofDefault(policy, config.clusterNetworks(), opaque, probePaths(w, port),
        config.probeNetworks());
    return new EffectivePolicy(w, port, pp, null, source, notes);
  }

  private static boolean portListed(String spec, int port, Workload w) {
    if (spec == null) {
      return false;
    }
    try {
      return PortSpec.parse(spec).contains(port, w);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The exact paths of {@code w}'s HTTP probes on {@code port}; the proxy's own on the admin port. */
  static List<String> probePaths(Workload w, int port) {
    Set<String> paths = new LinkedHashSet<>();
    for (Workload.Container c : w.containers()) {
      for (Workload.HttpProbe probe : c.probes()) {
        if (probePort(c, probe) == port) {
          String path = probe.path() == null || probe.path().isEmpty() ? "/" : probe.path();
          int q = path.indexOf('?');
          paths.add(q < 0 ? path : path.substring(0, q));
        }
      }
    }
    if (port == PolicyConfig.ADMIN_PORT) {
      paths.add("/live");
      paths.add("/ready");
    }
    return List.copyOf(paths);
  }

  /**
   * The port {@code probe} calls: its number, or the number of the port of that name in the same
   * container; -1 when the name matches none of the container's ports (the probe then gets no route).
   */
  static int probePort(Workload.Container c, Workload.HttpProbe probe) {
    if (!probe.port().isEmpty() && probe.port().chars().allMatch(Character::isDigit)) {
      return Integer.parseInt(probe.port());
    }
    return c.ports().stream().filter(p -> p.name().equals(probe.port())).mapToInt(Workload.ContainerPort::number)
        .findFirst().orElse(-1);
  }

  // ---- selection and authorizations

  private static boolean selects(Server s, Workload w, int port) {
    if (s.podSelector() == null || !s.podSelector().matches(w.labels())) {
      return false;
    }
    return switch (s.port()) {
      case PortRef.Number(int n) -> n == port;
      case PortRef.Named(String name) -> w.ports().stream()
          .anyMatch(p -> p.name().equals(name) && p.protocol() == Protocol.TCP && p.number() == port);
    };
  }

  private Authorization authorization(ServerAuthorization saz) {
    Meta meta = Meta.of(Groups.POLICY, "serverauthorization", saz.name());
    List<Network> networks = saz.networks() == null || saz.networks().isEmpty() ? config.clusterNetworks()
        : saz.networks();
    Authentication authn = switch (saz.client()) {
      case PolicyObject.Client.Unauthenticated u -> new Authentication.Unauthenticated();
      case PolicyObject.Client.MeshTls m when m.unauthenticatedTls() -> new Authentication.MeshTls();
      case PolicyObject.Client.MeshTls m -> {
        List<String> patterns = new ArrayList<>(m.identities());
        m.serviceAccounts().forEach(sa -> patterns.add(config.identity(sa.name(), sa.namespace())));
        yield Authentication.Identities.of(patterns);
      }
    };
    return new Authorization(meta, networks, authn);
  }

  /** The authorization an AuthorizationPolicy stands for, or empty while a reference is missing. */
  private Optional<Authorization> authorization(AuthorizationPolicy ap, List<String> notes) {
    Authentication authn = new Authentication.Unauthenticated();
    List<Network> networks = Network.ALL;
    for (AuthRef ref : ap.authentications()) {
      if (ref.kind().equalsIgnoreCase("ServiceAccount")) {
        authn = Authentication.Identities.of(List.of(config.identity(ref.name(), ref.namespace())));
      } else if (ref.kind().equalsIgnoreCase("MeshTLSAuthentication")) {
        Optional<MeshTlsAuthentication> m = find(MeshTlsAuthentication.class, ref.namespace(), ref.name());
        if (m.isEmpty()) {
          notes.add("AuthorizationPolicy/" + ap.name() + " authorizes nothing: MeshTLSAuthentication/" + ref.name()
              + " does not exist in namespace " + ref.namespace());
          return Optional.empty();
        }
        authn = Authentication.Identities.of(identities(m.get()));
      } else if (ref.kind().equalsIgnoreCase("NetworkAuthentication")) {
        Optional<NetworkAuthentication> n = find(NetworkAuthentication.class, ref.namespace(), ref.name());
        if (n.isEmpty()) {
          notes.add("AuthorizationPolicy/" + ap.name() + " authorizes nothing: NetworkAuthentication/" + ref.name()
              + " does not exist in namespace " + ref.namespace());
          return Optional.empty();
        }
        networks = n.get().networks();
      }
    }
    return Optional.of(new Authorization(Meta.of(Groups.POLICY, "authorizationpolicy", ap.name()), networks, authn));
  }

  private List<String> identities(MeshTlsAuthentication m) {
    List<String> out = new ArrayList<>(m.identities());
    for (PolicyObject.IdentityRef ref : m.identityRefs()) {
      out.add(ref.kind().equals("Namespace")
          ? "*." + ref.name() + ".serviceaccount.identity." + config.controlPlaneNamespace() + "." + config.trustDomain()
          : config.identity(ref.name(), ref.namespace()));
    }
    return out;
  }

  private Route route(HttpRoute r, List<String> notes) {
    List<Authorization> authz = new ArrayList<>();
    for (AuthorizationPolicy ap : objects(AuthorizationPolicy.class, r.namespace()).stream()
        .sorted(Comparator.comparing(PolicyObject::name)).toList()) {
      if (ap.target().is(r.group(), r.kind()) && ap.target().name().equals(r.name())) {
        authorization(ap, notes).ifPresent(authz::add);
      }
    }
    return new Route(Meta.of(r.group(), r.kind(), r.name()), r.hostnames().stream().map(HostMatch::parse).toList(),
        r.rules(), authz);
  }

  private <T extends PolicyObject> Optional<T> find(Class<T> type, String namespace, String name) {
    return all(type).stream().filter(o -> o.namespace().equals(namespace) && o.name().equals(name)).findFirst();
  }

  private <T extends PolicyObject> List<T> all(Class<T> type) {
    return objects.values().stream().filter(type::isInstance).map(type::cast).toList();
  }
}
