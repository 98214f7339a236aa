package dev.lattice.local.exec;

import java.util.List;
import java.util.Objects;

/** What a finished command printed and how it exited. */
public record CommandResult(List<String> argv, int exitCode, String stdout, String stderr) {
  public CommandResult {
    argv = List.copyOf(argv);
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** A successful result with the given output, for runners that answer without a process. */
  public static CommandResult ok(List<String> argv, String stdout) {
    return new CommandResult(argv, 0, stdout, "");
  }

  public boolean succeeded() {
    return exitCode == 0;
  }

  /** The stdout lines, without blank ones. */
  public List<String> lines() {
    return stdout.lines().filter(l -> !l.isBlank()).toList();
  }
}
