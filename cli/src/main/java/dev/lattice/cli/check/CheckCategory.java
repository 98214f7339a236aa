package dev.lattice.cli.check;

import java.util.List;

/** A named group of checks, run in order; the name is Linkerd's category ID, e.g. {@code linkerd-identity}. */
public record CheckCategory(String name, List<Check> checks) {
  public CheckCategory {
    checks = List.copyOf(checks);
  }
}
