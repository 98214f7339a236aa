package dev.lattice.cli.authz;

import dev.lattice.cli.CliException;
import dev.lattice.cli.Json;
import dev.lattice.control.policy.EffectivePolicy;
import dev.lattice.control.policy.ManifestPolicies;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.Client;
import dev.lattice.policy.ClientTls;
import dev.lattice.policy.Decision;
import dev.lattice.policy.Evaluator;
import dev.lattice.policy.Headers;
import dev.lattice.policy.Ip;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Request;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lattice authz explain}: what the proxy of a workload would decide for one connection or one
 * request, computed offline from manifests, with the reason and the smallest change that would allow
 * it. Exits 0 when allowed and 3 when denied, so scripts can assert policies.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    optionListHeading = "%nOptions:%n",
    description = {
      "Explain the inbound policy decision for one connection or request, offline from manifests.",
      "",
      "Without --method, --path, --header or --grpc the traffic is a plain TCP connection (opaque, or "
          + "not HTTP). Exit status: 0 allowed, 3 denied (403, 404, gRPC 7 or 5, or connection closed)."
    })
public final class ExplainCommand implements Callable<Integer> {
  /** The exit status for a denial: distinct from 1 (usage or input problem). */
  public static final int DENIED = 3;

  @Spec CommandSpec spec;

  @Option(names = {"-f", "--filename"}, paramLabel = "PATH", required = true,
      description = "A manifest file, or a directory of .yaml/.yml/.json files. Repeatable.")
  List<Path> files;

  @Option(names = {"-R", "--recursive"}, description = "Also read subdirectories of directories given with -f.")
  boolean recursive;

  @Option(names = "--to", paramLabel = "POD[.NS]", required = true,
      description = "The workload receiving the traffic; namespace 'default' if not given.")
  String to;

  @Option(names = "--port", paramLabel = "PORT", required = true, description = "The workload port called.")
  int port;

  @ArgGroup(exclusive = true)
  Identity identity;

  static final class Identity {
    @Option(names = "--from-identity", paramLabel = "ID", description = "The client's verified mesh identity (implies --tls).")
    String id;

    @Option(names = "--unauthenticated", description = "The client has no mesh identity (no mesh TLS unless --tls).")
    boolean unauthenticated;
  }

  @Option(names = "--from-ip", paramLabel = "IP",
      description = "The client's source IP (default: the first address of the first cluster network).")
  String fromIp;

  @Option(names = "--tls", negatable = true,
      description = "Whether the connection arrived over mesh TLS (default: with --from-identity only).")
  Boolean tls;

  @Option(names = "--method", paramLabel = "M", description = "HTTP method (default GET for a request).")
  String method;

  @Option(names = "--path", paramLabel = "P", description = "Request path, may include ?query (default /).")
  String path;

  @Option(names = "--header", paramLabel = "NAME=VALUE", description = "A request header. Repeatable.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--grpc", paramLabel = "SERVICE/METHOD", description = "A unary gRPC call (POST /SERVICE/METHOD).")
  String grpc;

  @Option(names = "--default-policy", paramLabel = "POLICY", description = "The cluster default policy (default: all-unauthenticated).")
  String defaultPolicy;

  @Option(names = "--cluster-networks", paramLabel = "CIDRS", description = "Comma-separated cluster networks (default: Linkerd's chart value).")
  String clusterNetworks;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
      description = "Output format: text or json (default: ${DEFAULT-VALUE}).")
  String output;

  @Override
  public Integer call() {
    if (!output.equals("text") && !output.equals("json")) {
      throw new ParameterException(spec.commandLine(),
          "Invalid value for option '--output': '" + output + "' (expected: text or json)");
    }
    if (port < 1 || port > 65535) {
      throw new ParameterException(spec.commandLine(), "--port must be 1-65535, got " + port);
    }
    var config = Loading.config(defaultPolicy, clusterNetworks);
    Client client = client(config.clusterNetworks());
    Request request = request();
    ManifestPolicies policies = Loading.load(files, recursive, config);
    int dot = to.lastIndexOf('.');
    String pod = dot < 0 ? to : to.substring(0, dot);
    String namespace = dot < 0 ? "default" : to.substring(dot + 1);
    Workload w;
    try {
      w = policies.workload(namespace, pod);
    } catch (NoSuchElementException e) {
      throw new CliException(e.getMessage());
    }
    EffectivePolicy effective = policies.index().portPolicy(w, port);
    Evaluator evaluator = Evaluator.of(effective.policy());
    Decision d = request == null ? evaluator.explain(client) : evaluator.explain(client, request);
    PrintWriter out = spec.commandLine().getOut();
    if (output.equals("json")) {
      out.println(Json.render(json(d, effective, client, request, namespace, pod)));
    } else {
      text(out, d, effective, client, request, namespace, pod);
    }
    out.flush();
    return d.allowed() ? 0 : DENIED;
  }

  private Client client(List<dev.lattice.policy.Network> clusterNetworks) {
    Ip ip;
    if (fromIp != null) {
      try {
        ip = Ip.parse(fromIp);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--from-ip: not an IP address: '" + fromIp + "'");
      }
    } else if (clusterNetworks.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--from-ip is required when there are no cluster networks");
    } else {
      Ip base = clusterNetworks.getFirst().net().base();
      ip = new Ip(base.v6(), base.hi(), base.lo() + 1);
    }
    String id = identity == null ? null : identity.id;
    if (id != null && Boolean.FALSE.equals(tls)) {
      throw new ParameterException(spec.commandLine(), "--from-identity needs mesh TLS: drop --no-tls");
    }
    if (id != null && id.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "--from-identity must not be empty (use --tls --unauthenticated"
          + " for mesh TLS without an identity)");
    }
    ClientTls t = id != null ? ClientTls.mesh(id) : Boolean.TRUE.equals(tls) ? ClientTls.mesh("") : ClientTls.plaintext();
    return new Client(ip, t);
  }

  private Request request() {
    if (grpc != null) {
      if (method != null || path != null) {
        throw new ParameterException(spec.commandLine(), "--grpc sets the method and path: drop --method and --path");
      }
      int slash = grpc.indexOf('/');
      if (slash <= 0 || slash == grpc.length() - 1 || grpc.indexOf('/', slash + 1) >= 0) {
        throw new ParameterException(spec.commandLine(), "--grpc must be SERVICE/METHOD, e.g. shop.Orders/Get, got '" + grpc + "'");
      }
      List<String> h = new ArrayList<>(List.of("content-type", "application/grpc"));
      h.addAll(headerPairs());
      return Request.of("POST", "/" + grpc, Headers.of(h.toArray(String[]::new)));
    }
    if (method == null && path == null && headers.isEmpty()) {
      return null;
    }
    String p = path == null ? "/" : path;
    if (!p.startsWith("/")) {
      throw new ParameterException(spec.commandLine(), "--path must start with /, got '" + p + "'");
    }
    return Request.of(method == null ? "GET" : method, p, Headers.of(headerPairs().toArray(String[]::new)));
  }

  private List<String> headerPairs() {
    List<String> out = new ArrayList<>();
    for (String h : headers) {
      int eq = h.indexOf('=');
      if (eq <= 0) {
        throw new ParameterException(spec.commandLine(), "--header must be NAME=VALUE, got '" + h + "'");
      }
      out.add(h.substring(0, eq));
      out.add(h.substring(eq + 1));
    }
    return out;
  }

  private static Map<String, Object> json(Decision d, EffectivePolicy ep, Client client, Request request,
      String namespace, String pod) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("decision", d.allowed() ? "allow" : "deny");
    m.put("audit", d.audit());
    m.put("server", meta(d.server()));
    m.put("route", d.route() == null ? null : meta(d.route()));
    m.put("authorization", d.authorization() == null ? null : meta(d.authorization()));
    m.put("reason", d.reason());
    m.put("outcome", d.outcome().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
    m.put("response", d.response().description());
    m.put("level", d.level().name().toLowerCase(java.util.Locale.ROOT));
    m.put("suggestion", d.suggestion().isEmpty() ? null : d.suggestion());
    m.put("target", namespace + "/" + pod + ":" + ep.port());
    m.put("protocol", ep.policy().protocol().value());
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("ip", client.ip().toString());
    c.put("tls", client.tls().toString());
    m.put("client", c);
    m.put("request", request == null ? null : request.toString());
    List<Object> attempts = new ArrayList<>();
    for (Decision.Attempt a : d.attempts()) {
      Map<String, Object> am = new LinkedHashMap<>();
      am.put("authorization", meta(a.authorization()));
      am.put("scope", a.scope().label());
      am.put("admitted", a.admitted());
      am.put("why", a.why());
      attempts.add(am);
    }
    m.put("attempts", attempts);
    m.put("notes", List.copyOf(ep.notes()));
    return m;
  }

  /** {@code kind/name}, the spec's notation for metric labels, e.g. {@code authorizationpolicy/web-frontend}. */
  private static String meta(Meta meta) {
    return meta.toString();
  }

  private static void text(PrintWriter out, Decision d, EffectivePolicy ep, Client client, Request request,
      String namespace, String pod) {
    out.printf("Traffic:    %s from %s to %s/%s:%d%n", request == null ? "TCP connection" : request.toString(),
        client, namespace, pod, ep.port());
    String source = ep.server() != null ? "" : " (" + ep.defaultSource() + ")";
    out.printf("Server:     %s%s, protocol %s%n", d.server(), source, ep.policy().protocol().value());
    if (d.level() == Decision.Level.REQUEST) {
      out.printf("Route:      %s%n", d.route() == null ? "(none matches)" : d.route());
    }
    String verdict = d.allowed() ? (d.audit() ? "ALLOW (audit)" : "ALLOW") : "DENY";
    out.printf("Decision:   %s: %s%n", verdict, d.response().description());
    if (d.authorization() != null) {
      out.printf("Authorized: %s%n", d.authorization());
    }
    out.printf("Reason:     %s%n", d.reason());
    if (!d.attempts().isEmpty()) {
      out.println("Tried:");
      for (Decision.Attempt a : d.attempts()) {
        out.printf("  %s %s (%s): %s%n", a.admitted() ? "+" : "-", a.authorization(), a.scope().label(), a.why());
      }
    }
    if (!d.suggestion().isEmpty()) {
      out.printf("To allow:   %s%n", d.suggestion());
    }
    for (String note : ep.notes()) {
      out.printf("Note:       %s%n", note);
    }
  }
}
