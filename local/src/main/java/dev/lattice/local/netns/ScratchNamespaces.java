package dev.lattice.local.netns;

import dev.lattice.local.exec.CommandRunner;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;

/**
 * Names throwaway namespaces after the process that owns them ({@code PREFIX-PID-RANDOM}) and reaps
 * the ones whose owner has died, e.g. after a test JVM was killed before its cleanup ran. Because the
 * owner is in the name, a reaper never removes a namespace another live run is still using.
 */
public final class ScratchNamespaces {
  private static final SecureRandom RANDOM = new SecureRandom();

  private ScratchNamespaces() {}

  /** A fresh name {@code prefix-<this pid>-<6 hex digits>}. */
  public static NetworkNamespace unique(String prefix) {
    byte[] r = new byte[3];
    RANDOM.nextBytes(r);
    return new NetworkNamespace(prefix + "-" + ProcessHandle.current().pid() + "-" + HexFormat.of().formatHex(r));
  }

  /** The pid recorded in a name made by {@link #unique} with {@code prefix}; empty for other names. */
  public static OptionalLong ownerPid(String prefix, String name) {
    if (!name.startsWith(prefix + "-")) {
      return OptionalLong.empty();
    }
    String[] parts = name.substring(prefix.length() + 1).split("-");
    if (parts.length != 2 || parts[0].isEmpty() || !parts[0].chars().allMatch(Character::isDigit)) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(parts[0]));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** Every namespace {@code ip netns list} shows. */
  public static List<NetworkNamespace> list(CommandRunner runner) {
    List<NetworkNamespace> result = new ArrayList<>();
    for (String line : runner.runChecked(IpCommands.listNamespaces()).lines()) {
      // Lines look like "name" or "name (id: 3)".
      result.add(new NetworkNamespace(line.strip().split("\\s+")[0]));
    }
    return result;
  }

  /** Deletes namespaces named with {@code prefix} whose owning process no longer runs; returns them. */
  public static List<NetworkNamespace> reapStale(CommandRunner runner, String prefix) {
    List<NetworkNamespace> reaped = new ArrayList<>();
    for (NetworkNamespace ns : list(runner)) {
      OptionalLong pid = ownerPid(prefix, ns.name());
      if (pid.isPresent() && !isAlive(pid.getAsLong())) {
        runner.runChecked(IpCommands.deleteNamespace(ns));
        reaped.add(ns);
      }
    }
    return reaped;
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
