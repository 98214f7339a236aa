package dev.lattice.cli.check;

/** The outcome of one check that ran (skipped checks produce none). */
public sealed interface CheckResult {
  Check check();

  record Passed(Check check) implements CheckResult {}

  /** An error: the run fails. */
  record Failed(Check check, String error) implements CheckResult {}

  /** A warning: shown, but the run still succeeds. */
  record Warned(Check check, String error) implements CheckResult {}
}
