package dev.lattice.proxy.env;

import java.util.List;

/** Thrown once configuration parsing is over, listing every variable that was wrong. */
public final class InvalidEnvException extends RuntimeException {
  private final List<EnvProblem> problems;

  public InvalidEnvException(List<EnvProblem> problems) {
    super(message(problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems: empty (expected: at least one)");
    }
    this.problems = List.copyOf(problems);
  }

  public List<EnvProblem> problems() {
    return problems;
  }

  private static String message(List<EnvProblem> problems) {
    StringBuilder out = new StringBuilder("invalid proxy configuration (")
        .append(problems.size()).append(problems.size() == 1 ? " problem" : " problems").append("):");
    for (EnvProblem problem : problems) {
      out.append("\n  ").append(problem);
    }
    return out.toString();
  }
}
