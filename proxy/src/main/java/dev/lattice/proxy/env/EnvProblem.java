package dev.lattice.proxy.env;

/**
 * One environment variable that cannot be used: its name, the value it had (null when unset) and why
 * it was refused.
 */
public record EnvProblem(String name, String value, String reason) {
  private static final int MAX_SHOWN_VALUE = 80;

  @Override
  public String toString() {
    if (value == null) {
      return name + ": " + reason;
    }
    // Trust-anchor bundles are kilobytes of PEM; show enough to recognise the value, not all of it.
    String shown = value.length() > MAX_SHOWN_VALUE ? value.substring(0, MAX_SHOWN_VALUE) + "…" : value;
    return name + "='" + shown.replace("\n", "\\n") + "': " + reason;
  }
}
