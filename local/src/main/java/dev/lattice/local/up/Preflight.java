package dev.lattice.local.up;

import dev.lattice.local.exec.Executables;
import dev.lattice.local.state.MeshRecord;
import dev.lattice.local.state.PidFiles;
import dev.lattice.local.state.StateDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What must hold before {@code up} touches anything; each failure says what to do. */
public final class Preflight {
  private Preflight() {}

  /** Whether this process runs as root (the owner of {@code /proc/self} is the effective uid). */
  public static boolean isRoot() {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Throws {@link NotRootException} unless root, naming what needs it. */
  public static void requireRoot(String command) {
    if (!isRoot()) {
      throw new NotRootException(notRootMessage(command));
    }
  }

  /** Why {@code lattice <command>} needs root. */
  public static String notRootMessage(String command) {
    return "lattice " + command + " needs root: it creates network namespaces, veth pairs and a bridge, installs "
        + "iptables rules in them, writes /etc/netns, and runs each proxy as uid 2102 (run it with sudo)";
  }

  static void check(StateDir dir, Installation installation, dev.lattice.local.mesh.MeshSpec spec) {
    requireRoot("up");
    Optional<MeshRecord> existing = MeshRecord.read(dir.meshRecord());
    if (existing.isPresent()) {
      boolean running = new PidFiles(dir.pids()).live("supervisor").isPresent();
      throw new AlreadyUpException(running
          ? "a mesh is already up in " + dir.root() + " (mesh " + existing.get().meshId() + ", started "
              + Instant.ofEpochMilli(existing.get().startedAtMillis()) + "): see lattice status, or run lattice down first"
          : "a mesh in " + dir.root() + " (mesh " + existing.get().meshId() + ") was not taken down and its "
              + "supervisor is gone: run lattice down first to remove what is left of it");
    }
    List<String> missing = new ArrayList<>();
    for (String[] tool : new String[][] {{"ip", "iproute2"}, {"iptables", "iptables"}, {"setpriv", "util-linux"},
        {"setsid", "util-linux"}}) {
      if (Executables.find(tool[0]).isEmpty()) {
        missing.add(tool[0] + " (Debian package " + tool[1] + ")");
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalStateException("missing tools: " + String.join(", ", missing));
    }
    List<String> programs = new ArrayList<>();
    for (var w : spec.workloads()) {
      String program = w.command().getFirst();
      if (Executables.find(program).isEmpty()) {
        programs.add(w.qualifiedName() + ": " + program);
      }
    }
    if (!programs.isEmpty()) {
      throw new IllegalStateException("programs not found (give a path, or install them): " + String.join(", ", programs));
    }
    installation.requireBuilt("proxy");
    installation.requireBuilt("cli");
    try {
      Files.createDirectories(dir.root());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create the state directory " + dir.root() + ": " + e.getMessage(), e);
    }
    // The proxy runs as uid 2102 and loads its class path from the state directory.
    for (Path p = dir.root(); p != null; p = p.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          throw new IllegalStateException("the state directory " + dir.root() + " is not reachable by the proxy's "
              + "uid 2102: " + p + " is not world-searchable (mode o+x); choose another --state-dir, e.g. "
              + StateDir.DEFAULT);
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot check " + p + ": " + e.getMessage(), e);
      }
    }
  }

  /** Not root: the CLI exits non-zero with the message. */
  public static final class NotRootException extends RuntimeException {
    public NotRootException(String message) {
      super(message);
    }
  }

  /** A mesh is already up in this state directory. */
  public static final class AlreadyUpException extends RuntimeException {
    public AlreadyUpException(String message) {
      super(message);
    }
  }
}
