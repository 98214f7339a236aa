package dev.lattice.cli.check;

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
 * group is its own class ({@link IdentityChecks}); this one only wires options to groups.
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
          + "the issuer chains to the anchors. A certificate that expires within 60 days gives a warning (‼)."
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

  @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
      description = "Output format: table, short or json (default: ${DEFAULT-VALUE}).")
  String output;

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
    if (categories.isEmpty()) {
      throw new ParameterException(spec.commandLine(),
          "nothing to check: choose a check group (available: --identity; cluster checks are not implemented yet)");
    }
    CheckOutput out = format.open(spec.commandLine().getOut(), color);
    CheckRunner.Outcome outcome = CheckRunner.run(categories, out);
    out.finish(outcome);
    return outcome.success() ? 0 : 1;
  }
}
