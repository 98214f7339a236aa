package dev.lattice.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.InstantSource;
import picocli.CommandLine;

/** One run of the {@code lattice} command line, as a user would type it, with stdout and stderr captured. */
public record CliRun(int exitCode, String out, String err) {
  public static CliRun run(InstantSource clock, String... args) {
    CommandLine commandLine = LatticeMain.commandLine(clock);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exitCode = commandLine.execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }

  public static CliRun run(String... args) {
    return run(InstantSource.system(), args);
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
  }
}
