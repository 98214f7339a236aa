package dev.lattice.cli.mesh;

import dev.lattice.local.state.StateDir;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state-dir DIR}, shared by every mesh command; default {@code $LATTICE_STATE_DIR} or /var/lib/lattice. */
public final class StateDirOption {
  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "The mesh's state directory (default: $LATTICE_STATE_DIR, else " + StateDir.DEFAULT + ").")
  Path stateDir;

  public StateDir dir() {
    if (stateDir != null) {
      return new StateDir(stateDir);
    }
    String env = System.getenv("LATTICE_STATE_DIR");
    return new StateDir(Path.of(env == null || env.isBlank() ? StateDir.DEFAULT : env));
  }
}
