package dev.lattice.cli.check;

import dev.lattice.cli.authz.Loading;
import dev.lattice.cli.authz.ManifestFiles;
import dev.lattice.control.policy.PolicyConfig;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lattice check}: selects check groups from its options, runs them, renders the results. Each
 * group is its own class ({@link IdentityChecks}, {@link PolicyChecks}); this one only wires options to
 * groups.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    parameterListHeading = "%nParameters:%n",
    optionListHeading = "%nOptions:%n",
    description = {
      "Check the mesh for problems and print a report in Linkerd's format.",
      "",
      "Exit status 1 if any check failed; warnings (‼) alone still exit 0.",
      "",
      "--identity runs the linkerd-identity checks against certificate files: both files parse (and the "
          + "key, if given, belongs to the issuer); the issuer is a CA; anchors use ECDSA P-256 or RSA "
          + "2048/4096 and the issuer ECDSA P-256, signed with SHA-256; all are within their validity period; "
          + "the issuer chains to the anchors. A certificate that expires within 60 days gives a warning (‼).",
      "",
      "--policy runs the lattice-policy checks (a Lattice addition) on manifests (-f) or on a local mesh's "
          + "state directory: workloads whose default inbound policy no longer matches their namespace's, "
          + "and declared httpGet probes their own proxy would refuse. Both are warnings (‼) naming the fix."
    })
public final class CheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--identity", description = "Run the linkerd-identity checks on the certificate files below.")
  boolean identity;

  @Option(names = "--identity-trust-anchors-file", paramLabel = "FILE",
      description = "PEM file with the trust anchors (one or more root certificates).")
  Path trustAnchorsFile;

  @Option(names = "--identity-issuer-certificate-file", paramLabel = "FILE",
      description = "PEM file with the issuer certificate (optionally followed by its intermediates).")
  Path issuerCertificateFile;

  @Option(names = "--identity-issuer-key-file", paramLabel = "FILE",
      description = "PEM file with the issuer's private key; if given, checks that it belongs to the issuer.")
  Path issuerKeyFile;

  @Option(names = "--policy", description = "Run the lattice-policy checks on -f manifests or a state directory.")
  boolean policy;

  @Option(names = {"-f", "--filename"}, paramLabel = "PATH",
      description = "With --policy: a manifest file, or a directory of .yaml/.yml/.json files. Repeatable; "
          + "applied in order, one file at a time.")
  List<Path> files;

  @Option(names = {"-R", "--recursive"}, description = "Also read subdirectories of directories given with -f.")
  boolean recursive;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "With --policy and no -f: the local mesh's state directory (default: $LATTICE_STATE_DIR, else "
          + DEFAULT_STATE_DIR + ").")
  Path stateDir;

  @Option(names = "--default-policy", paramLabel = "POLICY",
      description = "With --policy: the cluster default policy (default: all-unauthenticated).")
  String defaultPolicy;

  @Option(names = "--cluster-networks", paramLabel = "CIDRS",
      description = "With --policy: comma-separated cluster networks (default: Linkerd's chart value).")
  String clusterNetworks;

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: table, short or json (default: ${DEFAULT-VALUE}).")
  String output;

  // TODO(h-up): use the mesh commands' shared --state-dir option (StateDirOption/StateDir.DEFAULT) once
  // merged; this mirrors its default. The cluster default and networks should then come from the mesh's
  // own settings too, instead of --default-policy/--cluster-networks.
  static final String DEFAULT_STATE_DIR = "/var/lib/lattice";

  private final InstantSource clock;
  private final boolean color;

  /** @param color colour the status symbols (only when stdout is a terminal) */
  public CheckCommand(InstantSource clock, boolean color) {
    this.clock = clock;
    this.color = color;
  }

  @Override
  public Integer call() {
    CheckOutput.Format format = CheckOutput.Format.of(output);
    if (format == null) {
      throw new ParameterException(spec.commandLine(), "Invalid output type '" + output
          + "'. Supported output types are: json, table, short");
    }
    List<CheckCategory> categories = new ArrayList<>();
    if (identity) {
      if (trustAnchorsFile == null || issuerCertificateFile == null) {
        throw new ParameterException(spec.commandLine(), "--identity needs --identity-trust-anchors-file and "
            + "--identity-issuer-certificate-file (and optionally --identity-issuer-key-file)");
      }
      categories.add(new IdentityChecks(trustAnchorsFile, issuerCertificateFile, Optional.ofNullable(issuerKeyFile),
          clock).category());
    } else if (trustAnchorsFile != null || issuerCertificateFile != null || issuerKeyFile != null) {
      throw new ParameterException(spec.commandLine(), "the --identity-*-file options need --identity");
    }
    if (policy) {
      categories.add(policyChecks().category());
    } else if (files != null || recursive || stateDir != null || defaultPolicy != null || clusterNetworks != null) {
      throw new ParameterException(spec.commandLine(),
          "-f, -R, --state-dir, --default-policy and --cluster-networks need --policy");
    }
    if (categories.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "nothing to check: choose a check group (available: "
          + "--identity, --policy; cluster checks are not implemented yet)");
    }
    CheckOutput out = format.open(spec.commandLine().getOut(), color);
    CheckRunner.Outcome outcome = CheckRunner.run(categories, out);
    out.finish(outcome);
    return outcome.success() ? 0 : 1;
  }

  private PolicyChecks policyChecks() {
    if (files != null && stateDir != null) {
      throw new ParameterException(spec.commandLine(), "--policy reads either -f manifests or --state-dir, not both");
    }
    if (recursive && files == null) {
      throw new ParameterException(spec.commandLine(), "-R needs -f");
    }
    PolicyConfig config = Loading.config(defaultPolicy, clusterNetworks);
    if (files != null) {
      return PolicyChecks.ofManifests(ManifestFiles.expand(files, recursive), config);
    }
    Path dir = stateDir;
    if (dir == null) {
      String env = System.getenv("LATTICE_STATE_DIR");
      dir = Path.of(env == null || env.isBlank() ? DEFAULT_STATE_DIR : env);
    }
    return PolicyChecks.ofStateDir(dir, config);
  }
}
