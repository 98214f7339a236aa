package dev.lattice.local.exec;

import java.util.List;

/** Runs one command to completion. The seam that lets rule and plan logic be tested without root. */
@FunctionalInterface
public interface CommandRunner {
  /** Runs {@code argv} and returns its result whatever the exit code. */
  CommandResult run(List<String> argv);

  /** Runs {@code argv}; throws {@link CommandFailedException} unless it exits 0. */
  default CommandResult runChecked(List<String> argv) {
    CommandResult result = run(argv);
    if (result.exitCode() != 0) {
      throw new CommandFailedException(result);
    }
    return result;
  }
}
