package dev.lattice.cli.identity;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lattice identity}: groups the certificate commands; alone it prints its usage. */
@Command(
    name = "identity",
    mixinStandardHelpOptions = true,
    description = {
      "Create and inspect the mesh's identity certificates.",
      "",
      "The trust anchor (root CA) is what every proxy trusts; the issuer (intermediate CA) is what the "
          + "identity service signs workload certificates with.",
      "",
      "Typical use:",
      "  lattice identity create-trust-anchor ca.crt ca.key",
      "  lattice identity create-issuer issuer.crt issuer.key --ca ca.crt --ca-key ca.key",
      "  lattice check --identity --identity-trust-anchors-file ca.crt --identity-issuer-certificate-file issuer.crt"
    })
public final class IdentityCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
