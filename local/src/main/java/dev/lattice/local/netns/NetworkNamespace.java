package dev.lattice.local.netns;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** A named network namespace as {@code ip netns} knows it (a file under {@code /run/netns}). */
public record NetworkNamespace(String name) {
  // A netns name becomes a file name under /run/netns; keep it to characters that need no quoting.
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

  public NetworkNamespace {
    if (name == null || !VALID.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "namespace name: " + name + " (expected: 1-64 of [A-Za-z0-9_.-], starting with a letter or digit)");
    }
  }

  /** {@code argv} prefixed so that it runs inside this namespace: {@code ip netns exec NAME argv…}. */
  public List<String> exec(List<String> argv) {
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv: [] (expected: a command to run in " + name + ")");
    }
    List<String> full = new ArrayList<>(4 + argv.size());
    full.addAll(List.of(IpCommands.IP, "netns", "exec", name));
    full.addAll(argv);
    return List.copyOf(full);
  }

  @Override
  public String toString() {
    return name;
  }
}
