package dev.lattice.local;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.lattice.local.exec.Executables;
import java.util.List;

/** Skips a test, saying why, unless it runs as root with the named tools installed. */
public final class RootTools {
  private RootTools() {}

  public static void assumeRootWith(String... tools) {
    long uid = new com.sun.security.auth.module.UnixSystem().getUid();
    assumeTrue(uid == 0, () -> "skipped: needs root to create network namespaces (running as uid " + uid + ")");
    List<String> missing = java.util.Arrays.stream(tools).filter(t -> Executables.find(t).isEmpty()).toList();
    assumeTrue(missing.isEmpty(), () -> "skipped: needs " + missing + " (apt-get install iproute2 iptables)");
  }
}
