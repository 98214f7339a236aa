package dev.lattice.cli;

import dev.lattice.cli.authz.AuthzCommand;
import dev.lattice.cli.authz.ExplainCommand;
import dev.lattice.cli.authz.ValidateCommand;
import dev.lattice.cli.check.CheckCommand;
import dev.lattice.cli.identity.CreateIssuerCommand;
import dev.lattice.cli.identity.CreateTrustAnchorCommand;
import dev.lattice.cli.identity.IdentityCommand;
import dev.lattice.cli.identity.InspectCommand;
import dev.lattice.cli.mesh.ApplyCommand;
import dev.lattice.cli.mesh.ControlPlaneCommand;
import dev.lattice.cli.mesh.DownCommand;
import dev.lattice.cli.mesh.StatusCommand;
import dev.lattice.cli.mesh.SuperviseCommand;
import dev.lattice.cli.mesh.UpCommand;
import dev.lattice.pki.PkiException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lattice} command: every subcommand is constructed and wired here, with its clock. */
@Command(
    name = "lattice",
    mixinStandardHelpOptions = true,
    version = "lattice 0.1.0-SNAPSHOT",
    description = "A zero-trust service mesh: Linkerd's model, in Java.",
    subcommands = {CommandLine.HelpCommand.class})
public final class LatticeMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    CommandLine commandLine = commandLine(InstantSource.system(), stdoutIsTerminal());
    // Linkerd's check symbols (√ × ‼) are not ASCII: always write UTF-8, whatever the locale says.
    commandLine.setOut(utf8(System.out));
    commandLine.setErr(utf8(System.err));
    System.exit(commandLine.execute(args));
  }

  /** The configured command line; tests run commands through this, exactly as users do. */
  public static CommandLine commandLine() {
    return commandLine(InstantSource.system());
  }

  /** As {@link #commandLine()}, reading time from {@code clock}: tests move it to test expiry. */
  public static CommandLine commandLine(InstantSource clock) {
    return commandLine(clock, false);
  }

  private static CommandLine commandLine(InstantSource clock, boolean color) {
    CommandLine identity = new CommandLine(new IdentityCommand())
        .addSubcommand(new CreateTrustAnchorCommand(clock))
        .addSubcommand(new CreateIssuerCommand(clock))
        .addSubcommand(new InspectCommand(clock));
    CommandLine lattice = new CommandLine(new LatticeMain())
        .addSubcommand(identity)
        .addSubcommand(new CheckCommand(clock, color))
        .addSubcommand(new ValidateCommand())
        .addSubcommand(new CommandLine(new AuthzCommand()).addSubcommand(new ExplainCommand()))
        .addSubcommand(new UpCommand(clock))
        .addSubcommand(new DownCommand())
        .addSubcommand(new StatusCommand())
        .addSubcommand(new ApplyCommand.Apply())
        .addSubcommand(new ApplyCommand.Delete())
        .addSubcommand(new ControlPlaneCommand())
        .addSubcommand(new SuperviseCommand(clock));
    lattice.setExecutionExceptionHandler(LatticeMain::reportError);
    return lattice;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A problem the user can fix prints as one line and exits 1; anything else is a bug and keeps its trace. */
  private static int reportError(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    switch (e) {
      case CliException _, PkiException _, UncheckedIOException _ -> err.println("lattice: " + e.getMessage());
      default -> e.printStackTrace(err);
    }
    err.flush();
    return 1;
  }

  private static boolean stdoutIsTerminal() {
    // JDK 22+ returns a Console even when redirected; isTerminal() says whether it really is one.
    return System.getenv("NO_COLOR") == null && System.console() != null && System.console().isTerminal();
  }

  private static PrintWriter utf8(PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }
}
