package dev.lattice.cli.check;

/**
 * One health check: what it verifies (the line users see), the anchor of its hint on Linkerd's checks
 * page, how bad a failure is, and the probe that decides.
 */
public record Check(String description, String hintAnchor, Severity severity, Probe probe) {
  /** Where the hints live; Linkerd uses this base for every version that is not {@code stable-X.Y}. */
  public static final String HINT_BASE_URL = "https://linkerd.io/2/checks/#";

  /** How a failing check counts. */
  public enum Severity {
    /** An error that stops every check after it: later checks depend on what this one established. */
    FATAL,
    /** An error; later checks still run. */
    ERROR,
    /** Printed with ‼; the run still succeeds. */
    WARNING
  }

  /** The test itself. May throw: the runner reports the exception's message as the problem. */
  @FunctionalInterface
  public interface Probe {
    Verdict run();
  }

  public Check {
    if (description == null || description.isBlank()) {
      throw new IllegalArgumentException("description: '" + description + "' (expected: not blank)");
    }
  }

  public static Check fatal(String description, String hintAnchor, Probe probe) {
    return new Check(description, hintAnchor, Severity.FATAL, probe);
  }

  public static Check error(String description, String hintAnchor, Probe probe) {
    return new Check(description, hintAnchor, Severity.ERROR, probe);
  }

  public static Check warning(String description, String hintAnchor, Probe probe) {
    return new Check(description, hintAnchor, Severity.WARNING, probe);
  }

  /** The full hint link, or empty when the check has no anchor. */
  public String hintUrl() {
    return hintAnchor == null || hintAnchor.isEmpty() ? "" : HINT_BASE_URL + hintAnchor;
  }
}
