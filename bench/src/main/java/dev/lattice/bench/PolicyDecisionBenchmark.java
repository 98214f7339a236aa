package dev.lattice.bench;

import dev.lattice.policy.Authentication;
import dev.lattice.policy.Authorization;
import dev.lattice.policy.Client;
import dev.lattice.policy.Decision;
import dev.lattice.policy.Evaluator;
import dev.lattice.policy.HeaderMatch;
import dev.lattice.policy.Headers;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Network;
import dev.lattice.policy.PathMatch;
import dev.lattice.policy.PortPolicy;
import dev.lattice.policy.ProxyProtocol;
import dev.lattice.policy.Request;
import dev.lattice.policy.Route;
import dev.lattice.policy.RouteMatch;
import dev.lattice.policy.ValueMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The proxy's per-request policy decision for a Server with 10 server-level authorizations and 10
 * HTTPRoutes (prefix, exact, regex, header and method matches), built from records as the proxy
 * builds it from the policy API. {@code allowLastAuthz} walks every route and every authorization
 * before the last one admits; {@code deny} tries them all and explains why.
 *
 * <p>Run: {@code java -cp 'bench/target/classes:bench/target/lib/*' org.openjdk.jmh.Main
 * PolicyDecisionBenchmark -f 1 -wi 3 -i 5 -w 2s -r 2s}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyDecisionBenchmark {
  private static final String TD = ".serviceaccount.identity.linkerd.cluster.local";

  private Evaluator evaluator;
  private Client admittedByLast;
  private Client denied;
  private Request request;
  private Request headerRequest;

  @Setup
  public void setUp() {
    List<Authorization> authz = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      authz.add(new Authorization(Meta.of("policy.linkerd.io", "authorizationpolicy", "ap-" + i),
          List.of(Network.parse("10." + i + ".0.0/16", "10." + i + ".9.0/24")),
          Authentication.Identities.of(List.of("client-" + i + ".shop" + TD, "*.team-" + i + TD))));
    }
    authz.add(new Authorization(Meta.of("policy.linkerd.io", "authorizationpolicy", "ap-9"), Network.ALL,
        Authentication.Identities.of(List.of("frontend.shop" + TD))));
    List<Route> routes = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      RouteMatch m = switch (i % 4) {
        case 0 -> new RouteMatch.Http(new PathMatch.Prefix("/api/v" + i), List.of(), List.of(), "GET");
        case 1 -> new RouteMatch.Http(new PathMatch.Exact("/orders/" + i), List.of(), List.of(), null);
        case 2 -> new RouteMatch.Http(PathMatch.Regex.of("/items/[0-9]+/v" + i), List.of(), List.of(), "POST");
        default -> new RouteMatch.Http(new PathMatch.Prefix("/orders"),
            List.of(new HeaderMatch("x-tenant", ValueMatch.exact("t" + i))), List.of(), null);
      };
      routes.add(new Route(Meta.of("policy.linkerd.io", "HTTPRoute", "route-" + i), List.of(),
          List.of(new Route.Rule(List.of(m))), List.of()));
    }
    evaluator = Evaluator.of(new PortPolicy(Meta.of("policy.linkerd.io", "server", "web-http"), ProxyProtocol.HTTP1,
        authz, routes));
    admittedByLast = Client.meshed("10.20.0.1", "frontend.shop" + TD);
    denied = Client.plaintext("203.0.113.50");
    request = Request.of("GET", "/api/v8/users/17");
    headerRequest = Request.of("GET", "/orders/17", Headers.of("x-tenant", "t7", "accept", "*/*"));
    Decision check = evaluator.decide(admittedByLast, request);
    if (!check.allowed() || !check.route().name().equals("route-8") || !check.authorization().name().equals("ap-9")) {
      throw new IllegalStateException("benchmark setup does not decide as intended: " + check);
    }
  }

  @Benchmark
  public Decision allowLastAuthz() {
    return evaluator.decide(admittedByLast, request);
  }

  @Benchmark
  public Decision allowHeaderRoute() {
    return evaluator.decide(admittedByLast, headerRequest);
  }

  @Benchmark
  public Decision deny() {
    return evaluator.decide(denied, request);
  }

  @Benchmark
  public Decision tcpConnection() {
    return evaluator.decide(admittedByLast);
  }
}
