package dev.lattice.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The effective inbound policy of one workload port: the governing server ({@code server:<name>} or
 * {@code default:<policy>}), its protocol, the server-level authorizations (explicit first, then any
 * default-derived one), and the routes in precedence order. {@code default:localhost} is implicit: the
 * evaluator always tries it last.
 */
public record PortPolicy(Meta server, ProxyProtocol protocol, List<Authorization> authorizations, List<Route> routes) {
  public PortPolicy {
    Objects.requireNonNull(server, "server");
    Objects.requireNonNull(protocol, "protocol");
    authorizations = List.copyOf(authorizations);
    routes = protocol.hasRoutes() ? List.copyOf(routes) : List.of();
  }

  /**
   * The port policy of a port that no Server governs: the default policy's authorization, the default
   * route and, with probe paths and probe networks, the probe route.
   */
  public static PortPolicy ofDefault(DefaultPolicy policy, List<Network> clusterNetworks, boolean opaque,
      List<String> probePaths, List<Network> probeNetworks) {
    List<Route> routes = new ArrayList<>();
    routes.add(Route.defaultRoute());
    if (!probePaths.isEmpty() && !probeNetworks.isEmpty()) {
      routes.add(Route.probeRoute(probePaths, probeNetworks));
    }
    return new PortPolicy(Meta.ofDefault(policy.value()), opaque ? ProxyProtocol.OPAQUE : ProxyProtocol.DETECT,
        policy.authorization(clusterNetworks).stream().toList(), routes);
  }

  /** Whether the server is a default one (no Server resource governs the port). */
  public boolean isDefaultServer() {
    return server.isDefault();
  }
}
