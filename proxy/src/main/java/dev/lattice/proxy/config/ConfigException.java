package dev.lattice.proxy.config;

import java.util.List;

/** Every problem found in the proxy's environment, reported together so one restart fixes them all. */
public final class ConfigException extends RuntimeException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("invalid proxy configuration:\n  " + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /** Each entry names the variable, its value and what was expected. */
  public List<String> problems() {
    return problems;
  }
}
