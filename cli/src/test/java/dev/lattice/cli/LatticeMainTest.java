package dev.lattice.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatticeMainTest {
  @Test
  void helpListsTheCommands() {
    CliRun run = CliRun.run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).containsPattern("(?m)^  identity +Create and inspect the mesh's identity certificates\\.$")
        .containsPattern("(?m)^  check +Check the mesh for problems");
    CliRun identity = CliRun.run("identity", "--help");
    assertThat(identity.out()).containsPattern("(?m)^  create-trust-anchor +Create a self-signed root CA")
        .containsPattern("(?m)^  create-issuer +Create the identity issuer")
        .containsPattern("(?m)^  inspect +Print the facts");
  }

  @Test
  void everyCreateCommandsHelpStatesItsDefaults() {
    String anchor = help("identity", "create-trust-anchor");
    assertThat(anchor).contains("default: root.linkerd.cluster.local", "default: 87600h", "ECDSA P-256",
        "path length 1", "Certificate Sign + CRL Sign", "0600");

    String issuer = help("identity", "create-issuer");
    assertThat(issuer).contains("default: identity.linkerd.cluster.local", "default: 8760h", "ECDSA P-256",
        "path length 0", "Certificate Sign + CRL Sign", "0600");

    assertThat(help("identity", "inspect")).contains("default: text");
    assertThat(help("check")).contains("default: table", "60 days");
  }

  @Test
  void anUnknownOptionIsAUsageError() {
    CliRun run = CliRun.run("identity", "create-trust-anchor", "--nope", "a", "b");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--nope'");
  }

  /** The command's help with line wrapping undone, so phrases can be searched for. */
  private static String help(String... command) {
    String[] args = java.util.Arrays.copyOf(command, command.length + 1);
    args[command.length] = "--help";
    CliRun run = CliRun.run(args);
    assertThat(run.exitCode()).isZero();
    return run.out().replaceAll("\\s+", " ");
  }
}
