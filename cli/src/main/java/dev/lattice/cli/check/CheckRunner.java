package dev.lattice.cli.check;

import java.util.List;

/**
 * Runs categories in order and streams each result to an output as it is known. Stops everything after a
 * failed {@link Check.Severity#FATAL} check, because later checks rely on what it established.
 */
public final class CheckRunner {
  /** @param success no error (warnings allowed); @param warning at least one warning */
  public record Outcome(boolean success, boolean warning) {}

  /** Receives results in the order checks ran. */
  public interface Observer {
    void result(CheckCategory category, CheckResult result);
  }

  private CheckRunner() {}

  public static Outcome run(List<CheckCategory> categories, Observer observer) {
    boolean success = true;
    boolean warning = false;
    for (CheckCategory category : categories) {
      for (Check check : category.checks()) {
        CheckResult result = switch (probe(check)) {
          case Verdict.Skipped skipped -> null;
          case Verdict.Ok ok -> new CheckResult.Passed(check);
          case Verdict.Problem problem -> check.severity() == Check.Severity.WARNING
              ? new CheckResult.Warned(check, problem.message())
              : new CheckResult.Failed(check, problem.message());
        };
        if (result == null) {
          continue;
        }
        observer.result(category, result);
        switch (result) {
          case CheckResult.Passed passed -> {}
          case CheckResult.Warned warned -> warning = true;
          case CheckResult.Failed failed -> {
            success = false;
            if (check.severity() == Check.Severity.FATAL) {
              return new Outcome(false, warning);
            }
          }
        }
      }
    }
    return new Outcome(success, warning);
  }

  private static Verdict probe(Check check) {
    try {
      return java.util.Objects.requireNonNull(check.probe().run(), "verdict of " + check.description());
    } catch (RuntimeException e) {
      // A probe that throws has found a problem (an unreadable file, a bad certificate): report it, go on.
      return Verdict.problem(e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }
}
