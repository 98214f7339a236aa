package dev.lattice.control.policy;

/** One admission problem: the manifest field and the reason, e.g. {@code spec.networks: at least one …}. */
public record Violation(String path, String reason) {
  @Override
  public String toString() {
    return path + ": " + reason;
  }
}
