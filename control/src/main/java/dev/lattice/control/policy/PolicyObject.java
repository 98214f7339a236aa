package dev.lattice.control.policy;

import dev.lattice.control.store.ResourceRef;
import dev.lattice.policy.DefaultPolicy;
import dev.lattice.policy.Network;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Route;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A validated inbound policy resource, typed. Built only by {@link PolicyDecoder} from a manifest that
 * passed every rule of spec §3, with CRD defaults applied.
 */
public sealed interface PolicyObject {
  /** Oldest first (no timestamp counts as oldest), then name: the order Servers and routes take precedence in. */
  Comparator<PolicyObject> PRECEDENCE = Comparator
      .comparing((PolicyObject o) -> o.created() == null ? Instant.MIN : o.created())
      .thenComparing(o -> o.ref().name());

  ResourceRef ref();

  Instant created();

  default String namespace() {
    return ref().namespace();
  }

  default String name() {
    return ref().name();
  }

  /** A Server: pods (by selector) and one port, by number or container port name. */
  record Server(ResourceRef ref, Instant created, Map<String, String> labels, LabelSelector podSelector,
      PortRef port, ProxyProtocol protocol, DefaultPolicy accessPolicy) implements PolicyObject {
    /** {@code podSelector} is null when the Server selects external workloads, which are not pods. */
    public Server {}
  }

  /** {@code spec.port}: a number or a container port name. */
  sealed interface PortRef {
    record Number(int port) implements PortRef {
      @Override
      public String toString() {
        return String.valueOf(port);
      }
    }

    record Named(String name) implements PortRef {
      @Override
      public String toString() {
        return name;
      }
    }
  }

  /**
   * A ServerAuthorization. Exactly one of {@code serverName} and {@code serverSelector} is set; {@code
   * networks} is null when omitted (the cluster networks apply).
   */
  record ServerAuthorization(ResourceRef ref, Instant created, String serverName, LabelSelector serverSelector,
      List<Network> networks, Client client) implements PolicyObject {}

  /** Who a ServerAuthorization admits. */
  sealed interface Client {
    record Unauthenticated() implements Client {}

    /** Mesh TLS: any TLS client when {@code unauthenticatedTls}, else the listed identities/accounts. */
    record MeshTls(boolean unauthenticatedTls, List<String> identities, List<AccountRef> serviceAccounts)
        implements Client {}
  }

  /** A ServiceAccount by name and namespace. */
  record AccountRef(String name, String namespace) {}

  /** An AuthorizationPolicy: a target and the authentications all required of a client. */
  record AuthorizationPolicy(ResourceRef ref, Instant created, TargetRef target, List<AuthRef> authentications)
      implements PolicyObject {}

  /** {@code targetRef}: {@code group} is {@code ""} for core (omitted, empty or {@code core}). */
  record TargetRef(String group, String kind, String name) {
    public boolean is(String g, String k) {
      return group.equals(g) && kind.equalsIgnoreCase(k);
    }
  }

  /** One of {@code requiredAuthenticationRefs}; {@code namespace} defaults to the policy's. */
  record AuthRef(String group, String kind, String name, String namespace) {}

  /** A MeshTLSAuthentication: identity patterns, or references to service accounts and namespaces. */
  record MeshTlsAuthentication(ResourceRef ref, Instant created, List<String> identities,
      List<IdentityRef> identityRefs) implements PolicyObject {}

  /** {@code kind} is ServiceAccount (namespace defaulted) or Namespace (namespace null). */
  record IdentityRef(String kind, String name, String namespace) {}

  /** A NetworkAuthentication. */
  record NetworkAuthentication(ResourceRef ref, Instant created, List<Network> networks) implements PolicyObject {}

  /** An HTTPRoute or GRPCRoute: the parents it names, hostnames, and its rules already compiled. */
  record HttpRoute(ResourceRef ref, Instant created, String group, boolean grpc, List<ParentRef> parents,
      List<String> hostnames, List<Route.Rule> rules) implements PolicyObject {
    /** The kind as metrics spell it: {@code HTTPRoute} or {@code GRPCRoute}. */
    public String kind() {
      return grpc ? "GRPCRoute" : "HTTPRoute";
    }
  }

  /** A {@code parentRefs} entry with CRD defaults applied. */
  record ParentRef(String group, String kind, String name, String namespace, Integer port, String sectionName) {
    public boolean isServer() {
      return group.equals(dev.lattice.control.store.Kind.Groups.POLICY) && kind.equals("Server");
    }
  }
}
