package dev.lattice.cli.authz;

import dev.lattice.cli.CliException;
import dev.lattice.control.policy.EffectivePolicy;
import dev.lattice.control.policy.ManifestPolicies;
import dev.lattice.control.store.Workload;
import dev.lattice.policy.Authorization;
import dev.lattice.policy.Meta;
import dev.lattice.policy.Route;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code lattice authz [-n NS] WORKLOAD -f PATH…}: the servers, routes and authorizations of each port. */
@Command(
    name = "authz",
    mixinStandardHelpOptions = true,
    parameterListHeading = "%nParameters:%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "List the authorizations that apply to a workload, per port, computed offline from manifests.",
      "",
      "One row per authorization: ROUTE is * for server-level authorizations (they apply to every route), "
          + "SERVER is the Server governing the port or default:<policy>. Use 'lattice authz explain' to "
          + "decide one connection or request."
    })
public final class AuthzCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  // Optional to picocli so that "authz explain" parses; call() insists on both.
  @Parameters(index = "0", arity = "0..1", paramLabel = "WORKLOAD", description = "The workload (Pod) name, or pod/NAME.")
  String workload;

  @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default: ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = {"-f", "--filename"}, paramLabel = "PATH",
      description = "A manifest file, or a directory of .yaml/.yml/.json files. Repeatable.")
  List<Path> files;

  @Option(names = {"-R", "--recursive"}, description = "Also read subdirectories of directories given with -f.")
  boolean recursive;

  @Option(names = "--default-policy", paramLabel = "POLICY", description = "The cluster default policy (default: all-unauthenticated).")
  String defaultPolicy;

  @Option(names = "--cluster-networks", paramLabel = "CIDRS", description = "Comma-separated cluster networks (default: Linkerd's chart value).")
  String clusterNetworks;

  @Override
  public Integer call() {
    if (workload == null || files == null) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "Missing required " + (workload == null ? "parameter: 'WORKLOAD'" : "option: '--filename=PATH'"));
    }
    ManifestPolicies policies = Loading.load(files, recursive, Loading.config(defaultPolicy, clusterNetworks));
    String name = workload.startsWith("pod/") ? workload.substring(4) : workload;
    Workload w;
    try {
      w = policies.workload(namespace, name);
    } catch (NoSuchElementException e) {
      throw new CliException(e.getMessage());
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"PORT", "ROUTE", "SERVER", "AUTHORIZATION_POLICY", "SERVER_AUTHORIZATION"});
    List<String> notes = new ArrayList<>();
    for (int port : policies.index().ports(w)) {
      EffectivePolicy ep = policies.index().portPolicy(w, port);
      String server = label(ep.policy().server()) + " (" + ep.policy().protocol().value() + ")";
      notes.addAll(ep.notes().stream().map(n -> port + ": " + n).toList());
      for (Route r : ep.policy().routes()) {
        for (Authorization a : r.authorizations()) {
          rows.add(row(port, label(r.meta()), server, a));
        }
      }
      for (Authorization a : ep.policy().authorizations()) {
        rows.add(row(port, "*", server, a));
      }
      if (ep.policy().authorizations().isEmpty()) {
        rows.add(new String[] {String.valueOf(port), "*", server, "(none: only localhost and route-level)", ""});
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    print(out, rows);
    if (!notes.isEmpty()) {
      out.println();
      notes.forEach(n -> out.println("note: " + n));
    }
    out.flush();
    return 0;
  }

  private static String[] row(int port, String route, String server, Authorization a) {
    boolean saz = a.meta().kind().equals("serverauthorization");
    String name = label(a.meta());
    return new String[] {String.valueOf(port), route, server, saz ? "" : name, saz ? name : ""};
  }

  /** {@code name} for resources, {@code default:name} for built-ins, as linkerd authz prints them. */
  static String label(Meta meta) {
    return meta.isDefault() ? "default:" + meta.name() : meta.name();
  }

  private static void print(PrintWriter out, List<String[]> rows) {
    int[] widths = new int[rows.getFirst().length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(i == r.length - 1 ? r[i] : String.format("%-" + (widths[i] + 2) + "s", r[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
