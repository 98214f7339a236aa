package dev.lattice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lattice} command: one subcommand class per command, wired here. */
@Command(
    name = "lattice",
    mixinStandardHelpOptions = true,
    version = "lattice 0.1.0-SNAPSHOT",
    description = "A zero-trust service mesh: Linkerd's model, in Java.",
    subcommands = {CommandLine.HelpCommand.class})
public final class LatticeMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line; tests run commands through this, exactly as users do. */
  public static CommandLine commandLine() {
    return new CommandLine(new LatticeMain());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
