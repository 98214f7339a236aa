package dev.lattice.policy;

import dev.lattice.policy.Decision.Attempt;
import dev.lattice.policy.Decision.Level;
import dev.lattice.policy.Decision.Outcome;
import dev.lattice.policy.Decision.Response;
import dev.lattice.policy.Decision.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides connections and requests against one {@link PortPolicy}, following spec §1.14: pick the best
 * route (or 404), then the first of route-level, server-level and {@code default:localhost}
 * authorizations that admits the client (or 403); non-HTTP connections consult only the server level.
 *
 * <p>Built once per policy update and then shared by every connection: matchers are compiled when the
 * policy is built, and {@link #decide} returns precomputed {@link Decision}s (allow or deny) without
 * building strings. {@link #explain} is the slow path: it lists every authorization tried and works
 * out the smallest change that would allow the traffic.
 */
public final class Evaluator {
  private final PortPolicy policy;
  private final Authorization[] serverAuthz;
  private final CompiledRoute[] routes;
  private final Decision[] connectionAllows;
  private final Decision connectionDeny;
  private final Decision[] noRoute;

  private Evaluator(PortPolicy policy) {
    this.policy = policy;
    List<Authorization> server = new ArrayList<>(policy.authorizations());
    server.add(Authorization.LOCALHOST);
    this.serverAuthz = server.toArray(Authorization[]::new);
    this.connectionAllows = new Decision[serverAuthz.length];
    for (int i = 0; i < serverAuthz.length; i++) {
      connectionAllows[i] = allow(Level.CONNECTION, null, serverAuthz[i], scopeOf(serverAuthz[i]));
    }
    this.routes = policy.routes().stream().map(this::compile).toArray(CompiledRoute[]::new);
    this.connectionDeny = new Decision(Outcome.UNAUTHORIZED, Level.CONNECTION, false, policy.server(), null, null,
        Response.CLOSE, "no server-level authorization of " + policy.server() + " admits the client", FAST_SUGGESTION,
        List.of());
    this.noRoute = new Decision[2];
    for (int grpc = 0; grpc < 2; grpc++) {
      noRoute[grpc] = new Decision(Outcome.NO_ROUTE, Level.REQUEST, false, policy.server(), null, null,
          grpc == 1 ? Response.GRPC_NOT_FOUND : Response.HTTP_404, "no route of " + policy.server()
          + " matches the request", FAST_SUGGESTION, List.of());
    }
  }

  /** What {@link #decide} says instead of working out the smallest change: that is {@link #explain}'s job. */
  private static final String FAST_SUGGESTION = "see lattice authz explain";

  public static Evaluator of(PortPolicy policy) {
    return new Evaluator(policy);
  }

  public PortPolicy policy() {
    return policy;
  }

  /** A connection whose traffic is not HTTP (opaque, TLS, or detection found no HTTP). */
  public Decision decide(Client client) {
    return connection(client, false, "");
  }

  /**
   * One HTTP request. On an opaque or TLS port there are no requests, only the connection: that
   * decision is returned.
   */
  public Decision decide(Client client, Request request) {
    return request(client, request, false);
  }

  /** As {@link #decide(Client)}, listing every authorization tried even when allowed. */
  public Decision explain(Client client) {
    return connection(client, true, "");
  }

  /** As {@link #decide(Client, Request)}, listing every authorization tried even when allowed. */
  public Decision explain(Client client, Request request) {
    return request(client, request, true);
  }

  // ---- connections

  private Decision connection(Client client, boolean verbose, String note) {
    for (int i = 0; i < serverAuthz.length; i++) {
      if (serverAuthz[i].admits(client)) {
        if (!verbose && note.isEmpty()) {
          return connectionAllows[i];
        }
        Decision d = connectionAllows[i];
        return new Decision(d.outcome(), d.level(), d.audit(), d.server(), null, d.authorization(), d.response(),
            note + d.reason(), d.suggestion(), attempts(client, null, i + 1));
      }
    }
    if (!verbose && note.isEmpty()) {
      return connectionDeny;
    }
    List<Attempt> tried = attempts(client, null, serverAuthz.length);
    String reason = note + (policy.authorizations().isEmpty()
        ? policy.server() + " has no authorizations, so it admits no one but localhost"
        : "no server-level authorization of " + policy.server() + " admits " + client + ": " + failures(tried));
    return new Decision(Outcome.UNAUTHORIZED, Level.CONNECTION, false, policy.server(), null, null, Response.CLOSE,
        reason, suggest(client, null, tried), tried);
  }

  // ---- requests

  private Decision request(Client client, Request request, boolean verbose) {
    if (!policy.protocol().hasRoutes()) {
      return connection(client, verbose, "port is " + policy.protocol().value()
          + ": decided once per connection, route-level authorizations do not apply; ");
    }
    CompiledRoute route = bestRoute(request);
    boolean grpc = request.isGrpc();
    if (route == null && !verbose) {
      return noRoute[grpc ? 1 : 0];
    }
    if (route == null) {
      String what = request.method() + " " + request.path();
      return new Decision(Outcome.NO_ROUTE, Level.REQUEST, false, policy.server(), null, null,
          grpc ? Response.GRPC_NOT_FOUND : Response.HTTP_404,
          "no route of " + policy.server() + " matches " + request,
          "add a match for " + what + " to " + (policy.protocol() == ProxyProtocol.GRPC ? "a GRPCRoute" : "an HTTPRoute")
              + " attached to " + policy.server() + " (attached routes replace the default route)",
          List.of());
    }
    Authorization[] candidates = route.candidates;
    for (int i = 0; i < candidates.length; i++) {
      if (candidates[i].admits(client)) {
        Decision d = route.allows[i];
        return verbose ? withAttempts(d, attempts(client, route, i + 1)) : d;
      }
    }
    if (!verbose) {
      return route.denies[grpc ? 1 : 0];
    }
    List<Attempt> tried = attempts(client, route, candidates.length);
    String reason = "no authorization on " + route.meta + " of " + policy.server() + " admits " + client + ": "
        + failures(tried);
    return new Decision(Outcome.UNAUTHORIZED, Level.REQUEST, false, policy.server(), route.meta, null,
        grpc ? Response.GRPC_PERMISSION_DENIED : Response.HTTP_403, reason, suggest(client, route, tried), tried);
  }

  private CompiledRoute bestRoute(Request request) {
    CompiledRoute best = null;
    long bestScore = -1;
    String host = host(request.authority());
    for (CompiledRoute route : routes) {
      long score = route.score(request, host);
      if (score > bestScore) {
        bestScore = score;
        best = route;
      }
    }
    return best;
  }

  private static String host(String authority) {
    if (authority.isEmpty() || authority.charAt(0) == '[') {
      return authority;
    }
    int colon = authority.indexOf(':');
    return colon < 0 ? authority : authority.substring(0, colon);
  }

  // ---- compiled routes

  private CompiledRoute compile(Route route) {
    List<Authorization> all = new ArrayList<>(route.authorizations());
    int routeLevel = all.size();
    all.addAll(List.of(serverAuthz));
    Authorization[] candidates = all.toArray(Authorization[]::new);
    Decision[] allows = new Decision[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      Scope scope = i < routeLevel ? Scope.ROUTE : scopeOf(candidates[i]);
      allows[i] = allow(Level.REQUEST, route.meta(), candidates[i], scope);
    }
    List<RouteMatch[]> rules = route.rules().stream().map(r -> r.matches().toArray(RouteMatch[]::new)).toList();
    Decision[] denies = new Decision[2];
    for (int grpc = 0; grpc < 2; grpc++) {
      denies[grpc] = new Decision(Outcome.UNAUTHORIZED, Level.REQUEST, false, policy.server(), route.meta(), null,
          grpc == 1 ? Response.GRPC_PERMISSION_DENIED : Response.HTTP_403,
          "no authorization on " + route.meta() + " of " + policy.server() + " admits the client", FAST_SUGGESTION,
          List.of());
    }
    return new CompiledRoute(route.meta(), route.hosts().toArray(HostMatch[]::new),
        rules.toArray(RouteMatch[][]::new), candidates, routeLevel, allows, denies);
  }

  private static final class CompiledRoute {
    final Meta meta;
    final HostMatch[] hosts;
    final RouteMatch[][] rules;
    final Authorization[] candidates;
    final int routeLevel;
    final Decision[] allows;
    final Decision[] denies;

    CompiledRoute(Meta meta, HostMatch[] hosts, RouteMatch[][] rules, Authorization[] candidates, int routeLevel,
        Decision[] allows, Decision[] denies) {
      this.meta = meta;
      this.hosts = hosts;
      this.rules = rules;
      this.candidates = candidates;
      this.routeLevel = routeLevel;
      this.allows = allows;
      this.denies = denies;
    }

    /**
     * The best precedence score of any of this route's rules for {@code request}, or -1. Scores pack
     * spec §1.12.4's keys so one comparison orders them: host, path length, headers, query, method.
     */
    long score(Request request, String host) {
      long hostRank = 0;
      if (hosts.length > 0) {
        hostRank = -1;
        for (HostMatch h : hosts) {
          hostRank = Math.max(hostRank, h.rank(host));
        }
        if (hostRank < 0) {
          return -1;
        }
      }
      long best = -1;
      for (RouteMatch[] rule : rules) {
        if (rule.length == 0) {
          best = Math.max(best, pack(hostRank, 1, 0, 0, 0));
          continue;
        }
        for (RouteMatch m : rule) {
          best = Math.max(best, score(m, request, hostRank));
        }
      }
      return best;
    }

    private static long score(RouteMatch m, Request request, long hostRank) {
      return switch (m) {
        case RouteMatch.Http h -> {
          if (h.method() != null && !h.method().equals(request.method())) {
            yield -1;
          }
          int length = h.path().matchLength(request.path());
          if (length < 0) {
            yield -1;
          }
          for (int i = 0; i < h.headers().size(); i++) {
            if (!h.headers().get(i).matches(request.headers())) {
              yield -1;
            }
          }
          for (int i = 0; i < h.queryParams().size(); i++) {
            if (!h.queryParams().get(i).matches(request.query())) {
              yield -1;
            }
          }
          yield pack(hostRank, length, h.headers().size(), h.queryParams().size(), h.method() == null ? 0 : 1);
        }
        case RouteMatch.Grpc g -> {
          String path = request.path();
          int slash = path.indexOf('/', 1);
          if (!request.method().equals("POST") || path.length() < 4 || path.charAt(0) != '/' || slash < 2
              || slash == path.length() - 1 || path.indexOf('/', slash + 1) >= 0) {
            yield -1;
          }
          if (g.service() != null && !path.regionMatches(1, g.service(), 0, slash - 1)
              || g.service() != null && g.service().length() != slash - 1) {
            yield -1;
          }
          if (g.method() != null && !(path.length() - slash - 1 == g.method().length()
              && path.regionMatches(slash + 1, g.method(), 0, g.method().length()))) {
            yield -1;
          }
          for (int i = 0; i < g.headers().size(); i++) {
            if (!g.headers().get(i).matches(request.headers())) {
              yield -1;
            }
          }
          // gRPC precedence: an exact service+method beats a service beats none; then headers.
          int length = (g.service() == null ? 0 : 2) + (g.method() == null ? 0 : 1);
          yield pack(hostRank, length, g.headers().size(), 0, 0);
        }
      };
    }

    private static long pack(long host, long path, long headers, long query, long method) {
      return host << 42 | Math.min(path, (1L << 22) - 1) << 20 | Math.min(headers, 255) << 12
          | Math.min(query, 255) << 4 | method;
    }
  }

  // ---- explanations (off the fast path)

  private Decision allow(Level level, Meta route, Authorization a, Scope scope) {
    boolean audit = a.isAudit();
    String reason = audit
        ? "admitted only by " + a.meta() + " (" + scope.label() + "): no explicit authorization admits this client,"
            + " so it would be denied without audit; the proxy logs it"
        : "admitted by " + a.meta() + " (" + scope.label() + "): " + describe(a);
    return new Decision(Outcome.ALLOWED, level, audit, policy.server(), route, a.meta(), Response.FORWARD, reason,
        "", List.of());
  }

  private static Decision withAttempts(Decision d, List<Attempt> attempts) {
    return new Decision(d.outcome(), d.level(), d.audit(), d.server(), d.route(), d.authorization(), d.response(),
        d.reason(), d.suggestion(), attempts);
  }

  private static Scope scopeOf(Authorization a) {
    return a == Authorization.LOCALHOST ? Scope.BUILT_IN : Scope.SERVER;
  }

  private List<Attempt> attempts(Client client, CompiledRoute route, int count) {
    List<Attempt> out = new ArrayList<>();
    Authorization[] list = route == null ? serverAuthz : route.candidates;
    for (int i = 0; i < count; i++) {
      Authorization a = list[i];
      Scope scope = route != null && i < route.routeLevel ? Scope.ROUTE : scopeOf(a);
      String why = why(a, client);
      out.add(new Attempt(a.meta(), scope, why == null, why == null ? "admits: " + describe(a) : why));
    }
    return out;
  }

  /** Why {@code a} does not admit {@code client}, or null if it does. */
  static String why(Authorization a, Client client) {
    List<String> parts = new ArrayList<>(2);
    if (!a.inNetworks(client.ip())) {
      parts.add("client IP " + client.ip() + " is not in " + a.networks());
    }
    if (!a.authentication().admits(client.tls())) {
      parts.add(switch (a.authentication()) {
        case Authentication.Unauthenticated u -> "unreachable";
        case Authentication.MeshTls m -> "requires mesh TLS, the connection is plaintext";
        case Authentication.Identities ids -> switch (client.tls()) {
          case ClientTls.Plaintext p -> "requires a mesh identity " + ids.patterns()
              + ", the connection has no mesh TLS";
          case ClientTls.Mesh m when !m.hasIdentity() -> "requires a mesh identity " + ids.patterns()
              + ", the client presented none";
          case ClientTls.Mesh m -> "identity " + m.identity() + " does not match " + ids.patterns();
        };
      });
    }
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  private static String describe(Authorization a) {
    return a.authentication() + " from " + (a.networks().equals(Network.ALL) ? "anywhere" : a.networks().toString());
  }

  private static String failures(List<Attempt> tried) {
    List<String> out = new ArrayList<>();
    for (Attempt t : tried) {
      if (t.authorization().equals(Authorization.LOCALHOST.meta())) {
        continue; // always there, never the interesting one
      }
      out.add(t.authorization() + " " + t.why());
    }
    return out.isEmpty() ? "there is no authorization besides localhost" : String.join("; ", out);
  }

  /** The smallest change that would admit {@code client}: widen one authorization, or add one. */
  private String suggest(Client client, CompiledRoute route, List<Attempt> tried) {
    Authorization[] list = route == null ? serverAuthz : route.candidates;
    for (Authorization a : list) {
      if (a.meta().isDefault()) {
        continue; // built-ins cannot be edited
      }
      boolean net = a.inNetworks(client.ip());
      boolean auth = a.authentication().admits(client.tls());
      if (!net && auth) {
        return "add " + client.ip() + "/" + client.ip().bits() + " to the networks of " + a.meta();
      }
      if (net && a.authentication() instanceof Authentication.Identities
          && client.tls() instanceof ClientTls.Mesh m && m.hasIdentity()) {
        return "add identity " + m.identity() + " to those " + a.meta() + " accepts";
      }
    }
    for (Authorization a : list) {
      if (!a.meta().isDefault() && a.inNetworks(client.ip()) && client.tls() instanceof ClientTls.Plaintext) {
        return "mesh the client: " + a.meta() + " admits it only over mesh TLS with an identity";
      }
    }
    String target = route != null && !route.meta.isDefault()
        ? route.meta.kind() + "/" + route.meta.name()
        : policy.isDefaultServer() ? null : "Server/" + policy.server().name();
    String refs = switch (client.tls()) {
      case ClientTls.Mesh m when m.hasIdentity() -> serviceAccountRef(m.identity());
      case ClientTls.Mesh m -> networkRef(client) + " (the client presented no identity)";
      case ClientTls.Plaintext p -> networkRef(client);
    };
    if (target == null) {
      return "create a Server for this port (it then governs the port instead of " + policy.server()
          + ") and an AuthorizationPolicy targeting it with requiredAuthenticationRefs " + refs
          + "; or give the workload a default-inbound-policy that admits "
          + (client.tls() instanceof ClientTls.Mesh ? "meshed" : "unauthenticated") + " clients";
    }
    return "add an AuthorizationPolicy targeting " + target + " with requiredAuthenticationRefs " + refs;
  }

  private static String networkRef(Client client) {
    return "[{group: policy.linkerd.io, kind: NetworkAuthentication, name: …}] naming a NetworkAuthentication with"
        + " networks [{cidr: " + client.ip() + "/" + client.ip().bits() + "}]";
  }

  private static String serviceAccountRef(String identity) {
    String[] labels = identity.split("\\.");
    if (labels.length > 3 && labels[2].equals("serviceaccount") && labels[3].equals("identity")) {
      return "[{kind: ServiceAccount, name: " + labels[0] + ", namespace: " + labels[1] + "}]";
    }
    return "[{kind: MeshTLSAuthentication}] listing identity " + identity.toLowerCase(Locale.ROOT);
  }
}
