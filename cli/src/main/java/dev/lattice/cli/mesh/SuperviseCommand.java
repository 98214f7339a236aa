package dev.lattice.cli.mesh;

import dev.lattice.local.supervise.Supervisor;
import dev.lattice.local.up.Installation;
import java.time.InstantSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code lattice supervise}: internal; the background owner of a mesh's processes, started by {@code up}. */
@Command(name = "supervise", hidden = true, description = "Internal: run the processes of the mesh lattice up laid out.")
public final class SuperviseCommand implements java.util.concurrent.Callable<Integer> {
  @Mixin StateDirOption state;

  private final InstantSource clock;

  public SuperviseCommand(InstantSource clock) {
    this.clock = clock;
  }

  @Override
  public Integer call() throws Exception {
    new Supervisor(state.dir(), Installation.current(), clock).run();
    return 0;
  }
}
