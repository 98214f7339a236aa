package dev.lattice.policy;

import java.util.List;
import java.util.Objects;

/**
 * A route of a port: hostnames (empty = any), rules (a rule with no matches matches every request) and
 * its own route-level authorizations, consulted before the server's.
 */
public record Route(Meta meta, List<HostMatch> hosts, List<Rule> rules, List<Authorization> authorizations) {
  public static final Meta DEFAULT = Meta.ofDefault("default");
  public static final Meta PROBE = Meta.ofDefault("probe");

  public Route {
    Objects.requireNonNull(meta, "meta");
    hosts = List.copyOf(hosts);
    rules = List.copyOf(rules);
    authorizations = List.copyOf(authorizations);
  }

  /** The catch-all route a port gets when no route is attached. */
  public static Route defaultRoute() {
    return new Route(DEFAULT, List.of(), List.of(new Rule(List.of())), List.of());
  }

  /** The catch-all gRPC route: every {@code POST /<service>/<method>}. */
  public static Route defaultGrpcRoute() {
    return new Route(DEFAULT, List.of(), List.of(new Rule(List.of(new RouteMatch.Grpc(null, null, List.of())))),
        List.of());
  }

  /**
   * The probe route: {@code GET} with an exact path for each probe path, authorized by {@code
   * default:probe} from {@code probeNetworks}.
   */
  public static Route probeRoute(List<String> paths, List<Network> probeNetworks) {
    List<RouteMatch> matches = paths.stream()
        .<RouteMatch>map(p -> new RouteMatch.Http(new PathMatch.Exact(p), List.of(), List.of(), "GET"))
        .toList();
    Authorization probe = new Authorization(PROBE, probeNetworks, new Authentication.Unauthenticated());
    return new Route(PROBE, List.of(), List.of(new Rule(matches)), List.of(probe));
  }

  /** One rule: matches ORed. */
  public record Rule(List<RouteMatch> matches) {
    public Rule {
      matches = List.copyOf(matches);
    }
  }
}
