package dev.lattice.cli.mesh;

import dev.lattice.cli.CliException;
import dev.lattice.local.exec.ProcessCommandRunner;
import dev.lattice.local.up.MeshDown;
import dev.lattice.local.up.Preflight;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lattice down}: removes exactly what {@code lattice up} created. */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = {
      "Stop the mesh and remove exactly what lattice up created: processes, network namespaces (with their "
          + "links and iptables rules), /etc/netns entries, the mesh's store records and tokens. The trust "
          + "anchor, issuer, logs and JVM archives stay in the state directory. Needs root."
    })
public final class DownCommand implements java.util.concurrent.Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin StateDirOption state;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    var dir = state.dir();
    if (!java.nio.file.Files.exists(dir.meshRecord())) {
      out.println("no mesh is up in " + dir.root() + ": nothing to do");
      return 0;
    }
    try {
      Preflight.requireRoot("down");
    } catch (Preflight.NotRootException e) {
      throw new CliException(e.getMessage(), e);
    }
    try {
      new MeshDown(ProcessCommandRunner.create(), line -> {
        out.println(line);
        out.flush();
      }).run(dir);
    } catch (RuntimeException e) {
      throw new CliException(e.getMessage(), e);
    }
    out.println("mesh in " + dir.root() + " is down");
    return 0;
  }
}
