package dev.lattice.control.store;

import java.util.List;

/**
 * Resources were rejected; nothing was changed. Each problem reads {@code Kind/name: field.path: reason},
 * e.g. {@code Service/emoji-svc: spec.ports[0].port: must be 1-65535, got 0}.
 */
public final class InvalidResourceException extends RuntimeException {
  private final List<String> problems;

  public InvalidResourceException(List<String> problems) {
    super(message(problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }

  private static String message(List<String> problems) {
    if (problems.size() == 1) {
      return problems.getFirst();
    }
    return problems.size() + " problems:\n  " + String.join("\n  ", problems);
  }
}
